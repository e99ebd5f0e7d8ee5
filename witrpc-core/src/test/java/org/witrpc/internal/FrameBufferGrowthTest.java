package org.witrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FrameBufferGrowthTest {
  private static final int MIB = 1 << 20;

  /** Bytes copied while growing a buffer to receive a frame of {@code length} bytes. */
  private static long copiedWhileGrowing(int length) {
    int capacity = FrameBufferGrowth.firstCapacity(length);
    long copied = 0;
    while (capacity < length) {
      int next = FrameBufferGrowth.nextCapacity(capacity, capacity + 1, length);
      assertThat(next).as("growth from " + capacity).isGreaterThan(capacity);
      assertThat((long) next)
          .as("buffer after receiving %d bytes of a frame of %d", capacity, length)
          .isLessThanOrEqualTo(8L * capacity);
      copied += capacity;
      capacity = next;
    }
    assertThat(capacity).isEqualTo(length);
    return copied;
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, 64 << 10, MIB, MIB + 40, 2 * MIB})
  void framesUpToTwoMiBGetOneBufferOfTheirLength(int length) {
    assertThat(FrameBufferGrowth.firstCapacity(length)).isEqualTo(length);
  }

  @Test
  void aHugeAnnouncementStartsWithOneMiB() {
    assertThat(FrameBufferGrowth.firstCapacity(256 * MIB)).isEqualTo(MIB);
    assertThat(FrameBufferGrowth.firstCapacity(2 * MIB + 1)).isEqualTo(MIB);
  }

  @ParameterizedTest(name = "{0} MiB payload")
  @ValueSource(ints = {4, 16, 64, 256})
  void aPowerOfTwoPayloadWithItsHeaderIsCopiedAboutAThirdMore(int mib) {
    int length = mib * MIB + 40;
    assertThat(copiedWhileGrowing(length)).isLessThanOrEqualTo(length / 3 + 1);
  }

  @Test
  void growingNeverCopiesTwoThirdsOfAFrame() {
    Random random = new Random(7);
    for (int i = 0; i < 2_000; i++) {
      int length = 2 * MIB + 1 + random.nextInt(Integer.MAX_VALUE - 2 * MIB - 1);
      assertThat(copiedWhileGrowing(length)).as("length " + length).isLessThan(2L * length / 3);
    }
  }

  @Test
  void roomForALargeFragmentWins() {
    assertThat(FrameBufferGrowth.nextCapacity(MIB, 100 * MIB, 200 * MIB)).isEqualTo(100 * MIB);
    assertThat(FrameBufferGrowth.nextCapacity(MIB, 2 * MIB, 3 * MIB)).isEqualTo(3 * MIB);
  }
}
