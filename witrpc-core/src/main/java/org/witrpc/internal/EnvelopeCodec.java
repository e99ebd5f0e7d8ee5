package org.witrpc.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.witrpc.WitTransportException;
import org.witrpc.spi.ValueSpan;

/**
 * Writes and parses the 16-byte envelope header (big-endian):
 *
 * <pre>
 *  0      1      2             4                              12            16
 *  +------+------+-------------+------------------------------+-------------+---------
 *  | type | flags| status u16  | correlation id i64           | body len i32| body ...
 *  +------+------+-------------+------------------------------+-------------+---------
 * </pre>
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
public final class EnvelopeCodec {

  /** Size of the fixed header in bytes. */
  public static final int HEADER_SIZE = 16;

  static final int TYPE_OFFSET = 0;
  static final int FLAGS_OFFSET = 1;
  static final int STATUS_OFFSET = 2;
  static final int CORRELATION_OFFSET = 4;
  static final int LENGTH_OFFSET = 12;

  private EnvelopeCodec() {}

  /** Writes a header at {@code offset} of {@code target} (absolute; position unchanged). */
  public static void writeHeader(
      ByteBuffer target,
      int offset,
      MessageType type,
      int flags,
      int status,
      long correlationId,
      int bodyLength) {
    if (status < 0 || status > 0xFFFF) {
      throw new IllegalArgumentException("status out of range: " + status);
    }
    if (bodyLength < 0) {
      throw new IllegalArgumentException("negative body length: " + bodyLength);
    }
    ByteBuffer b = target.duplicate().order(ByteOrder.BIG_ENDIAN);
    b.put(offset + TYPE_OFFSET, (byte) type.code());
    b.put(offset + FLAGS_OFFSET, (byte) flags);
    b.putShort(offset + STATUS_OFFSET, (short) status);
    b.putLong(offset + CORRELATION_OFFSET, correlationId);
    b.putInt(offset + LENGTH_OFFSET, bodyLength);
  }

  /** A whole frame: header followed by {@code body}'s remaining bytes (body is not consumed). */
  public static ByteBuffer encode(
      MessageType type, int flags, int status, long correlationId, ByteBuffer body) {
    int length = body.remaining();
    ByteBuffer frame = ByteBuffer.allocate(HEADER_SIZE + length);
    writeHeader(frame, 0, type, flags, status, correlationId, length);
    frame.position(HEADER_SIZE);
    frame.put(body.duplicate());
    return frame.flip();
  }

  /**
   * A value's span in a body ({@code inBody}, counted from the body byte at frame offset {@code
   * from}) as a span of the whole frame; null if it would not end inside a frame of {@code
   * frameLength} bytes (a peer's length prefix may say anything).
   */
  public static ValueSpan spanInFrame(int from, ValueSpan inBody, int frameLength) {
    long offset = (long) from + inBody.offset();
    return offset + inBody.length() > frameLength
        ? null
        : new ValueSpan((int) offset, inBody.length());
  }

  /**
   * The envelope of a frame of {@code frameLength} bytes from its first bytes ({@code head}, from
   * its position; not changed), with a body of only the body bytes among the first {@code maxBytes}
   * of {@code head}, copied to the heap; null if they are not the start of such a frame. For a look
   * at a large frame while it arrives ({@link org.witrpc.spi.FrameListener#largeValueSpan}).
   */
  public static Envelope decodeHead(ByteBuffer head, int frameLength, int maxBytes) {
    int n = Math.min(head.remaining(), maxBytes);
    if (n < HEADER_SIZE || frameLength < HEADER_SIZE) {
      return null;
    }
    byte[] bytes = new byte[n];
    head.get(head.position(), bytes);
    ByteBuffer b = ByteBuffer.wrap(bytes);
    MessageType type;
    try {
      type = MessageType.of(Byte.toUnsignedInt(b.get(TYPE_OFFSET)));
    } catch (WitTransportException unknown) {
      return null;
    }
    if (b.getInt(LENGTH_OFFSET) != frameLength - HEADER_SIZE) {
      return null;
    }
    return new Envelope(
        type,
        Byte.toUnsignedInt(b.get(FLAGS_OFFSET)),
        Short.toUnsignedInt(b.getShort(STATUS_OFFSET)),
        b.getLong(CORRELATION_OFFSET),
        b.position(HEADER_SIZE).slice());
  }

  /**
   * Parses a received frame (its remaining bytes). The returned body is a view into {@code frame}
   * (the frame belongs to the receiver, so the view is writable and array-backed when the frame
   * is).
   *
   * @throws WitTransportException if the frame is shorter than a header, has an unknown type, or
   *     its body length differs from the bytes that follow the header
   */
  public static Envelope decode(ByteBuffer frame) {
    return decode(frame, 0);
  }

  /**
   * As {@link #decode(ByteBuffer)}, for a frame of which {@code missing} body bytes were received
   * apart ({@link org.witrpc.spi.FrameListener#onFrame(ByteBuffer, org.witrpc.spi.ValueSpan,
   * byte[])}): the header's body length counts them, the frame does not hold them.
   */
  public static Envelope decode(ByteBuffer frame, int missing) {
    if (missing < 0) {
      throw new IllegalArgumentException("missing < 0: " + missing);
    }
    int start = frame.position();
    int available = frame.remaining();
    if (available < HEADER_SIZE) {
      throw new WitTransportException(
          "truncated frame: " + available + " bytes, an envelope header needs " + HEADER_SIZE);
    }
    ByteBuffer b = frame.duplicate().order(ByteOrder.BIG_ENDIAN);
    MessageType type = MessageType.of(Byte.toUnsignedInt(b.get(start + TYPE_OFFSET)));
    int flags = Byte.toUnsignedInt(b.get(start + FLAGS_OFFSET));
    int status = Short.toUnsignedInt(b.getShort(start + STATUS_OFFSET));
    long correlationId = b.getLong(start + CORRELATION_OFFSET);
    int bodyLength = b.getInt(start + LENGTH_OFFSET);
    if (bodyLength != available - HEADER_SIZE + (long) missing) {
      throw new WitTransportException(
          "bad body length "
              + bodyLength
              + " in "
              + type
              + " envelope: the frame carries "
              + (available - HEADER_SIZE + (long) missing)
              + " body bytes");
    }
    b.position(start + HEADER_SIZE);
    ByteBuffer body = b.slice();
    return new Envelope(type, flags, status, correlationId, body);
  }
}
