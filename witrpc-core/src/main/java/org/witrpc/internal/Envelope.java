package org.witrpc.internal;

import java.nio.ByteBuffer;
import java.util.Objects;
import org.witrpc.Status;

/**
 * One decoded frame: the fixed header fields and the body. The body is a read-only view into the
 * received frame, positioned at the first body byte.
 *
 * <p>Thread safety: the header fields are immutable; the body buffer's position is not, so one
 * thread reads the body at a time.
 *
 * @param type the message type
 * @param flags the header's flags byte (0 for now)
 * @param status the status code of a RESPONSE, HELLO_ACK or AUTH_ACK ({@link Status#code()}); 0
 *     otherwise
 * @param correlationId matches a RESPONSE to its request; the subscription id of a CALLBACK
 * @param body the body bytes, from position to limit
 * @param received a large value of the body the transport received apart (the body lacks its
 *     bytes), or null
 */
public record Envelope(
    MessageType type,
    int flags,
    int status,
    long correlationId,
    ByteBuffer body,
    ReceivedValue received) {

  /** Checks the fields. */
  public Envelope {
    Objects.requireNonNull(type, "type == null");
    Objects.requireNonNull(body, "body == null");
  }

  /** An envelope whose body is whole. */
  public Envelope(MessageType type, int flags, int status, long correlationId, ByteBuffer body) {
    this(type, flags, status, correlationId, body, null);
  }

  /** This envelope with a value of its body received apart. */
  public Envelope withReceived(ReceivedValue value) {
    return new Envelope(type, flags, status, correlationId, body, value);
  }
}
