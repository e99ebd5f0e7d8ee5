package org.witrpc.internal;

/**
 * How a transport sizes the buffer of a large frame it is receiving, so that memory follows the
 * bytes the peer has really sent rather than the length it announced, while a frame that arrives
 * quickly is copied little more than once.
 *
 * <p>A frame of up to 2 MiB gets a buffer of its length at once. A larger one starts with {@link
 * #FIRST_BUFFER_BYTES} (1 MiB); each time the buffer is full it grows fourfold, or straight to the
 * frame's length once that is at most twice the fourfold size. Hence:
 *
 * <ul>
 *   <li>a peer that announces 256 MiB and sends nothing costs 1 MiB;
 *   <li>the buffer is never larger than 2 MiB or eight times the bytes received;
 *   <li>growing copies less than two thirds of the frame once more (about a third for a frame a
 *       little larger than a power of two, such as a 16 MiB payload with its envelope header).
 * </ul>
 *
 * <p>Thread safety: stateless.
 */
public final class FrameBufferGrowth {

  /** The first buffer of a frame longer than twice this. */
  public static final int FIRST_BUFFER_BYTES = 1 << 20;

  private static final int FACTOR = 4;

  private FrameBufferGrowth() {}

  /** The capacity of the first buffer for a frame of {@code length} bytes. */
  public static int firstCapacity(int length) {
    return length <= 2 * FIRST_BUFFER_BYTES ? length : FIRST_BUFFER_BYTES;
  }

  /**
   * The next capacity for a frame of {@code length} bytes whose buffer of {@code capacity} bytes is
   * full (every byte in it received), and which needs room for {@code needed} bytes in all (more
   * than {@code capacity}, at most {@code length}).
   */
  public static int nextCapacity(int capacity, int needed, int length) {
    long grown = (long) capacity * FACTOR;
    long next = 2 * grown >= length ? length : grown;
    return (int) Math.min(length, Math.max(needed, next));
  }
}
