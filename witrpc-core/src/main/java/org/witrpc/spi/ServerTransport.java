package org.witrpc.spi;

/**
 * The listening side of a transport: accepts connections from clients.
 *
 * <p>Lifecycle: created unstarted (allocating nothing), {@link #start} once, {@link #close} any
 * number of times. Thread safety: {@code start} and {@code close} may be called from any thread;
 * the acceptor is called from a transport thread, one call at a time.
 */
public interface ServerTransport extends AutoCloseable {

  /** Decides what happens to a newly accepted connection. */
  @FunctionalInterface
  interface Acceptor {
    /**
     * Called exactly once per accepted connection, before any of its frames is delivered.
     *
     * @return the listener that receives the connection's frames and its end; never null
     */
    FrameListener accept(Connection connection);
  }

  /**
   * Binds the address and starts accepting. Returns once clients can connect.
   *
   * @throws org.witrpc.WitTransportException if the address is in use by a live server, cannot be
   *     created, or the transport was already started or closed
   */
  void start(Acceptor acceptor);

  /**
   * Stops accepting, closes every open connection (each one's listener sees {@code onClosed}), and
   * releases every thread, socket and file the transport holds. Idempotent.
   */
  @Override
  void close();

  /** The address clients use, as a URI, for example {@code pipe://calc}. */
  String address();
}
