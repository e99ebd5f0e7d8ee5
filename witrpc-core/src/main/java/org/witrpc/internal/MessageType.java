package org.witrpc.internal;

import org.witrpc.WitTransportException;

/**
 * The message types of the witrpc envelope. The number is the wire value of the header's type byte
 * (see docs/PROTOCOL.md), so it never changes once published.
 *
 * <p>Thread safety: immutable.
 */
public enum MessageType {
  /** Client to server, first frame: protocol version, flags, serializer name. */
  HELLO(1),
  /** Server to client: the server's protocol version, flags and serializer, or an error status. */
  HELLO_ACK(2),
  /** Client to server, after HELLO_ACK: the access token (possibly empty). */
  AUTH(3),
  /** Server to client: authorization accepted (200) or refused (561). */
  AUTH_ACK(4),
  /** A call: route (service interface, method key) and arguments. */
  REQUEST(5),
  /** The reply to a REQUEST, SUBSCRIBE or UNSUBSCRIBE with the same correlation id. */
  RESPONSE(6),
  /** Server to client: a listener invocation; the correlation id is the subscription id. */
  CALLBACK(7),
  /** Client to server: subscribe a listener (route of the addXxx method, subscription id). */
  SUBSCRIBE(8),
  /** Client to server: unsubscribe (route of the removeXxx method, subscription id). */
  UNSUBSCRIBE(9),
  /** Either side: the sender is closing the connection; the body says why. */
  GOODBYE(10),
  /**
   * Client to server (protocol version 4): the caller of the REQUEST with this correlation id gave
   * up; empty body.
   */
  CANCEL(11);

  private static final MessageType[] BY_CODE = new MessageType[16];

  static {
    for (MessageType t : values()) {
      BY_CODE[t.code] = t;
    }
  }

  private final int code;

  MessageType(int code) {
    this.code = code;
  }

  /** The wire value of the header's type byte. */
  public int code() {
    return code;
  }

  /**
   * The type with this wire value.
   *
   * @throws WitTransportException if no type has this value
   */
  public static MessageType of(int code) {
    MessageType t = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    if (t == null) {
      throw new WitTransportException("unknown message type " + code + " in envelope header");
    }
    return t;
  }
}
