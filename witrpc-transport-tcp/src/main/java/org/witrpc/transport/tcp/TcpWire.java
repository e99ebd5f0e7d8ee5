package org.witrpc.transport.tcp;

/**
 * The bytes of {@code tcp://} on the wire (docs/transport-tcp.md). Inside TLS when TLS is on.
 *
 * <pre>
 * client -> server, once:  'W' 'T' 'C' 'P' | version (1 byte, 1)
 * server -> client, once:  status (1 byte) [| maxClients (int32 BE) after REFUSED_MAX_CLIENTS]
 * then both ways:          length (int32 BE) | body (length bytes)     a frame, 0 <= length
 *                          -1 (int32 BE)                                PING, no body
 *                          -2 (int32 BE)                                PONG, no body
 * </pre>
 *
 * <p>Thread safety: constants only.
 */
final class TcpWire {
  /** The client's first bytes: "WTCP". */
  static final int MAGIC = 0x57544350;

  /** The version of this wire format. */
  static final byte VERSION = 1;

  /** Bytes of the client hello: magic and version. */
  static final int HELLO_BYTES = 5;

  /** Status: accepted, frames follow in both directions. */
  static final byte ACCEPTED = 0x00;

  /** Status: refused, the server has its maximum of clients (an int32 follows). */
  static final byte REFUSED_MAX_CLIENTS = 0x01;

  /** Status: refused, the server does not speak the client's version. */
  static final byte REFUSED_VERSION = 0x02;

  /** Bytes of the length prefix of every frame (and the whole of a PING or PONG). */
  static final int PREFIX_BYTES = 4;

  /** The length prefix of a PING: the receiver answers PONG. */
  static final int PING = -1;

  /** The length prefix of a PONG. */
  static final int PONG = -2;

  private TcpWire() {}
}
