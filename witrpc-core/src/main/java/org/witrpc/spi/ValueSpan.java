package org.witrpc.spi;

/**
 * Where one value lies in a frame: {@code length} bytes from byte {@code offset} of the frame (the
 * envelope header's first byte is 0). A {@link FrameListener} names it ({@link
 * FrameListener#largeValueSpan}) so that a transport can receive those bytes straight into the
 * array that becomes the value.
 *
 * <p>Thread safety: immutable.
 *
 * @param offset where the value's bytes start in the frame, at least 0
 * @param length how many bytes the value has, at least 1
 */
public record ValueSpan(int offset, int length) {

  /**
   * @throws IllegalArgumentException if {@code offset} is negative, {@code length} is not positive,
   *     or the span would end beyond 2^31 - 1
   */
  public ValueSpan {
    if (offset < 0 || length < 1 || (long) offset + length > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("bad value span: offset " + offset + ", length " + length);
    }
  }

  /** The frame offset just after the value. */
  public int end() {
    return offset + length;
  }
}
