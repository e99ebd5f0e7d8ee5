package org.witrpc.transport.mmf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.witrpc.WitTransportException;

class RingDescriptorTest {
  private static final int CAPACITY = 4096;

  private static ByteBuffer initialized() {
    ByteBuffer b =
        ByteBuffer.allocateDirect(RingDescriptor.totalLength(CAPACITY))
            .order(ByteOrder.nativeOrder());
    RingDescriptor.initialize(b, CAPACITY);
    return b;
  }

  @Test
  void aFreshHeaderValidatesAndGivesTheCapacity() {
    ByteBuffer b = initialized();
    assertThat(RingDescriptor.validate(b, b.capacity())).isEqualTo(CAPACITY);
  }

  @Test
  void countersAndFlagsSitOnTheirOwnAlignedCacheLines() {
    int[] offsets = {
      RingDescriptor.TAIL_OFFSET,
      RingDescriptor.HEAD_OFFSET,
      RingDescriptor.READER_WAITING_OFFSET,
      RingDescriptor.WRITER_WAITING_OFFSET,
      RingDescriptor.DATA_OFFSET
    };
    for (int i = 0; i < offsets.length; i++) {
      assertThat(offsets[i] % RingDescriptor.CACHE_LINE).isZero();
      if (i > 0) {
        assertThat(offsets[i] - offsets[i - 1]).isGreaterThanOrEqualTo(RingDescriptor.CACHE_LINE);
      }
    }
    assertThat(RingDescriptor.ringOffset(1, CAPACITY) % RingDescriptor.CACHE_LINE).isZero();
    assertThat(RingDescriptor.HEADER_LENGTH % RingDescriptor.CACHE_LINE).isZero();
  }

  @Test
  void sizeIsSplitIntoTwoPowerOfTwoRings() {
    assertThat(RingDescriptor.capacityForSize(1 << 20)).isEqualTo(1 << 19);
    assertThat(RingDescriptor.capacityForSize(3 << 20)).isEqualTo(1 << 20);
    assertThatThrownBy(() -> RingDescriptor.capacityForSize(100))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too small");
  }

  @Test
  void badMagicIsRefused() {
    ByteBuffer b = initialized();
    b.putLong(RingDescriptor.MAGIC_OFFSET, 42);
    assertThatThrownBy(() -> RingDescriptor.validate(b, b.capacity()))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("bad magic");
  }

  @Test
  void otherVersionIsRefused() {
    ByteBuffer b = initialized();
    b.putInt(RingDescriptor.VERSION_OFFSET, 99);
    assertThatThrownBy(() -> RingDescriptor.validate(b, b.capacity()))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("unsupported version 99");
  }

  @Test
  void capacityThatIsNotAPowerOfTwoIsRefused() {
    ByteBuffer b = initialized();
    b.putLong(RingDescriptor.CAPACITY_OFFSET, 3000);
    assertThatThrownBy(() -> RingDescriptor.validate(b, b.capacity()))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("ring capacity 3000");
  }

  @Test
  void hugeCapacityIsRefusedWithoutTouchingMemoryBeyondTheFile() {
    ByteBuffer b = initialized();
    b.putLong(RingDescriptor.CAPACITY_OFFSET, 1L << 40);
    assertThatThrownBy(() -> RingDescriptor.validate(b, b.capacity()))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("ring capacity");
  }

  @Test
  void sizesThatDoNotFitTheFileAreRefused() {
    ByteBuffer b = initialized();
    assertThatThrownBy(() -> RingDescriptor.validate(b, b.capacity() - 8))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("does not fit the file");
    b.putLong(RingDescriptor.TOTAL_LENGTH_OFFSET, 12345);
    assertThatThrownBy(() -> RingDescriptor.validate(b, b.capacity()))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("total length 12345");
  }

  @Test
  void fileShorterThanTheHeaderIsRefused() {
    ByteBuffer tiny = ByteBuffer.allocateDirect(16);
    assertThatThrownBy(() -> RingDescriptor.validate(tiny, 16))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("shorter than the header");
  }
}
