package org.witrpc.transport.pipes;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.witrpc.WitSecurityException;
import org.witrpc.WitTransportException;
import org.witrpc.internal.Durations;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.Connection;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.PeerPolicy;
import org.witrpc.spi.TransportOptions;

/**
 * The connecting side of the pipe transport. Holds no resources: every {@link #connect} opens a new
 * socket to the server and waits (up to the timeout) for its accept/refuse status byte. Created
 * with {@link PipeTransport#client(String)}.
 *
 * <p>Thread safety: immutable; {@code connect} may be called from any number of threads.
 */
public final class PipeClientTransport implements ClientTransport {

  private static final AtomicLong CONNECTION_IDS = new AtomicLong();

  private final PipeEndpoint endpoint;
  private final int maxFrameSize;
  private final Duration sendTimeout;
  private final PeerPolicy peerPolicy;

  private PipeClientTransport(
      PipeEndpoint endpoint, TransportOptions options, PeerPolicy peerPolicy) {
    this.endpoint = endpoint;
    this.maxFrameSize = options.maxFrameSize();
    this.sendTimeout = options.sendTimeout();
    this.peerPolicy = peerPolicy;
  }

  @Override
  public Connection connect(FrameListener listener, Duration timeout) {
    Objects.requireNonNull(listener, "listener == null");
    Objects.requireNonNull(timeout, "timeout == null");
    long deadline = System.nanoTime() + Durations.capped(timeout).toNanos();
    SocketChannel channel = null;
    try {
      channel = SocketChannel.open(StandardProtocolFamily.UNIX);
      channel.configureBlocking(false);
      try (Selector selector = Selector.open()) {
        if (!channel.connect(UnixDomainSocketAddress.of(endpoint.socket()))) {
          SelectionKey key = channel.register(selector, SelectionKey.OP_CONNECT);
          while (!channel.finishConnect()) {
            await(selector, deadline, timeout);
          }
          key.cancel();
          selector.selectNow(); // flushes the cancelled key so the channel may be registered again
        }
        peerPolicy.checkServer(channel, endpoint.address());
        readStatus(channel, selector, deadline, timeout);
      }
      long id = CONNECTION_IDS.incrementAndGet();
      PipeConnection connection =
          new PipeConnection(
              channel, endpoint + "#client-" + id, maxFrameSize, sendTimeout, c -> {});
      connection.start(listener);
      return connection;
    } catch (IOException e) {
      closeQuietly(channel);
      throw new WitTransportException(
          "cannot connect to "
              + endpoint
              + ": no server is listening on "
              + endpoint.socket()
              + " ("
              + e.getMessage()
              + ")",
          e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  @Override
  public String address() {
    return endpoint.address();
  }

  /** The socket file this transport connects to. */
  public Path socketPath() {
    return endpoint.socket();
  }

  @Override
  public String toString() {
    return "PipeClientTransport{" + endpoint + "}";
  }

  /** Reads the server's status byte (and, for a refusal, its maxClients). */
  private void readStatus(SocketChannel channel, Selector selector, long deadline, Duration timeout)
      throws IOException {
    ByteBuffer status = ByteBuffer.allocate(1);
    readFully(channel, selector, status, deadline, timeout);
    byte code = status.get(0);
    if (code == PipeWire.ACCEPTED) {
      return;
    }
    if (code == PipeWire.REFUSED_PEER_USER) {
      throw new WitSecurityException(
          "server "
              + endpoint
              + " refused the connection: it does not admit clients running as user '"
              + PeerPolicy.currentUser().orElse("?")
              + "' (its peerUsers setting)");
    }
    if (code == PipeWire.REFUSED_MAX_CLIENTS) {
      ByteBuffer max = ByteBuffer.allocate(PipeWire.REFUSAL_BYTES - 1);
      readFully(channel, selector, max, deadline, timeout);
      throw new WitTransportException(
          "server "
              + endpoint
              + " refused the connection: it has its maximum of "
              + max.getInt(0)
              + " clients");
    }
    throw new WitTransportException(
        "server "
            + endpoint
            + " answered with unknown status 0x"
            + Integer.toHexString(code & 0xff)
            + "; is "
            + endpoint.socket()
            + " a witrpc pipe server of the same version?");
  }

  private void readFully(
      SocketChannel channel, Selector selector, ByteBuffer target, long deadline, Duration timeout)
      throws IOException {
    SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
    try {
      while (target.hasRemaining()) {
        int n = channel.read(target);
        if (n < 0) {
          throw new WitTransportException(
              "server " + endpoint + " closed the connection before accepting it");
        }
        if (n == 0) {
          await(selector, deadline, timeout);
        }
      }
    } finally {
      key.cancel();
      selector.selectNow(); // flushes the cancelled key so the channel may be registered again
    }
  }

  private void await(Selector selector, long deadline, Duration timeout) throws IOException {
    long remaining = deadline - System.nanoTime();
    if (remaining <= 0) {
      throw new WitTransportException(
          "cannot connect to " + endpoint + ": the server did not answer within " + timeout);
    }
    if (Thread.currentThread().isInterrupted()) {
      // select() returns at once while the interrupt status is set: stop instead of spinning
      throw new WitTransportException("interrupted while connecting to " + endpoint);
    }
    selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
    selector.selectedKeys().clear();
  }

  private static void closeQuietly(SocketChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing more to release
      }
    }
  }

  /**
   * Configures a {@link PipeClientTransport}: setters without {@code set}, defaults from {@link
   * TransportOptions#defaults()}.
   *
   * <p>Thread safety: not thread-safe; confine a builder to one thread.
   */
  public static final class Builder extends PipeBuilder<Builder> {
    Builder(String name, Path socket) {
      super(name, socket);
    }

    @Override
    protected Builder self() {
      return this;
    }

    /** The client transport. */
    public PipeClientTransport build() {
      return new PipeClientTransport(endpoint(), transportOptions(), currentPeerPolicy());
    }
  }
}
