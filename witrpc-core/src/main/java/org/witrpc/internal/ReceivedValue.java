package org.witrpc.internal;

import java.nio.ByteBuffer;
import java.util.Objects;
import org.witrpc.spi.ValueSpan;

/**
 * A large {@code byte[]} value the transport received apart from its frame ({@link
 * org.witrpc.spi.FrameListener#onFrame(ByteBuffer, ValueSpan, byte[])}): the frame's buffer lacks
 * its bytes, which belong in front of index {@code at} of the buffer's backing array (where the
 * bytes after the value now follow those before it). The decoder that meets a binary value of that
 * length there takes {@code bytes} as the value ({@link JacksonSerializer#read(
 * org.witrpc.spi.Serializer, ByteBuffer, java.lang.reflect.Type[], ReceivedValue)}); any other
 * reader gets the body put back together ({@link #whole}).
 *
 * <p>Thread safety: immutable reference; the array belongs to whoever decodes the frame.
 *
 * @param frame the frame's backing array ({@link ByteBuffer#array()})
 * @param at the index in {@code frame} where the value's bytes belong
 * @param bytes the value's bytes
 */
public record ReceivedValue(byte[] frame, int at, byte[] bytes) {

  /** Checks the fields. */
  public ReceivedValue {
    Objects.requireNonNull(frame, "frame == null");
    Objects.requireNonNull(bytes, "bytes == null");
  }

  /** Whether the value belongs at index {@code index} of {@code array}. */
  boolean belongsAt(byte[] array, long index) {
    return array == frame && index == at;
  }

  /**
   * The value received for {@code frame} (an array-backed buffer from the frame's first byte,
   * without the value's bytes) at {@code span}.
   *
   * @throws IllegalArgumentException if the frame has no array, the span does not start after the
   *     envelope header and within the frame, or the value is not the span's length
   */
  public static ReceivedValue of(ByteBuffer frame, ValueSpan span, byte[] value) {
    if (!frame.hasArray()
        || span.offset() < EnvelopeCodec.HEADER_SIZE
        || span.offset() > frame.remaining()
        || value.length != span.length()) {
      throw new IllegalArgumentException(
          "value of " + value.length + " bytes does not fit " + span + " of its frame");
    }
    return new ReceivedValue(
        frame.array(), frame.arrayOffset() + frame.position() + span.offset(), value);
  }

  /**
   * The rest of {@code body} (a view of the frame's buffer, positioned at or before the value's
   * place) with the value put back where it belongs, in a new buffer.
   */
  public ByteBuffer whole(ByteBuffer body) {
    int before = at - (body.arrayOffset() + body.position());
    if (!body.hasArray() || body.array() != frame || before < 0 || before > body.remaining()) {
      throw new IllegalStateException("the body is not before the value received apart");
    }
    return ByteBuffer.allocate(body.remaining() + bytes.length)
        .put(body.slice(body.position(), before))
        .put(bytes)
        .put(body.slice(body.position() + before, body.remaining() - before))
        .flip();
  }
}
