package org.witrpc.transport.pipes;

/**
 * The bytes the pipe transport puts on a Unix domain socket (also in docs/transport-pipes.md):
 *
 * <pre>
 * server -> client, once, right after accept:
 *   +--------+                         status ACCEPTED (0x00): frames follow
 *   | status |
 *   +--------+--------+--------+--------+--------+
 *   | 0x01   | maxClients (int32, big-endian)    |   status REFUSED_MAX_CLIENTS: server closes
 *   +--------+--------+--------+--------+--------+
 *   | 0x02   |                                       status REFUSED_PEER_USER: server closes
 *   +--------+
 *
 * then, in both directions, any number of frames:
 *   +--------+--------+--------+--------+----------------------+
 *   | length (int32, big-endian, >= 0)  | length bytes of body |
 *   +--------+--------+--------+--------+----------------------+
 * </pre>
 *
 * A length above the receiver's maximum frame size (or negative) is refused before any allocation
 * and closes the connection. The client sends nothing before it has read the status.
 *
 * <p>Thread safety: constants only.
 */
final class PipeWire {

  /** Bytes of the length prefix before every frame. */
  static final int LENGTH_PREFIX_BYTES = 4;

  /** Status byte: the server admitted the client. */
  static final byte ACCEPTED = 0x00;

  /** Status byte: the server has its maximum number of clients; an int32 maxClients follows. */
  static final byte REFUSED_MAX_CLIENTS = 0x01;

  /**
   * Status byte: the server does not admit clients of the connecting user (its peer-user policy,
   * {@link org.witrpc.spi.PeerPolicy}); nothing follows, the server closes.
   */
  static final byte REFUSED_PEER_USER = 0x02;

  /** Bytes of the refusal: status byte and maxClients. */
  static final int REFUSAL_BYTES = 5;

  /**
   * Largest number of bytes handed to one read or write call. The JDK copies heap buffers through a
   * temporary direct buffer of the call's size and caches it per thread, so unbounded calls would
   * pin a direct buffer as large as the largest frame in every sending thread.
   */
  static final int MAX_IO_CHUNK = 1 << 20;

  private PipeWire() {}
}
