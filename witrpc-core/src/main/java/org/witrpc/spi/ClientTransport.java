package org.witrpc.spi;

import java.time.Duration;

/**
 * The connecting side of a transport: a factory of connections to one server address. It holds no
 * resources itself, so {@link #connect} may be called again after a connection drops (reconnect).
 *
 * <p>Thread safety: safe for use by multiple threads.
 */
public interface ClientTransport {

  /**
   * Connects to the server and returns an open connection whose frames go to {@code listener}.
   * Blocks up to {@code timeout}.
   *
   * @throws org.witrpc.WitTransportException with a message that says why: no server on the
   *     address, the server refused the connection (for example its maximum number of clients is
   *     reached), or the timeout passed
   */
  Connection connect(FrameListener listener, Duration timeout);

  /** The address this transport connects to, as a URI, for example {@code pipe://calc}. */
  String address();
}
