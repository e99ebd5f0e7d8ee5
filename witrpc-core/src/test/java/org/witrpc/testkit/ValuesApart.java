package org.witrpc.testkit;

import java.nio.ByteBuffer;
import org.witrpc.spi.ValueSpan;

/**
 * Frames as a transport that received a large value apart hands them over ({@link
 * org.witrpc.spi.FrameListener#onFrame(ByteBuffer, ValueSpan, byte[])}).
 *
 * <p>Thread safety: stateless.
 */
public final class ValuesApart {
  private ValuesApart() {}

  /** {@code frame}'s remaining bytes without those of {@code span}, in a new buffer. */
  public static ByteBuffer without(ByteBuffer frame, ValueSpan span) {
    byte[] whole = new byte[frame.remaining()];
    frame.duplicate().get(whole);
    ByteBuffer compact = ByteBuffer.allocate(whole.length - span.length());
    compact.put(whole, 0, span.offset()).put(whole, span.end(), whole.length - span.end());
    return compact.flip();
  }
}
