package org.witrpc.transport.mmf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.witrpc.transport.mmf.RingFixture.bytes;
import static org.witrpc.transport.mmf.RingFixture.pattern;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.witrpc.WitTransportException;

class RingBufferTest {
  private static final int CAPACITY = 1024;
  private static final int MAX_FRAME = 1 << 20;

  @Test
  void zeroByteAndOneByteFramesRoundTrip() {
    RingFixture f = new RingFixture(CAPACITY, MAX_FRAME);
    f.writeWithoutWaiting(new byte[0]);
    f.writeWithoutWaiting(new byte[] {7});
    assertThat(f.drain()).isEqualTo(2);
    assertThat(f.received).hasSize(2);
    assertThat(f.received.get(0).remaining()).isZero();
    assertThat(bytes(f.received.get(1))).containsExactly(7);
  }

  @Test
  void wrapAroundAtEveryOffsetModulo8NearTheEnd() {
    int seed = 0;
    for (int room = 8; room <= 96; room += 8) {
      for (int extra = -16; extra <= 16; extra++) {
        RingFixture f = new RingFixture(CAPACITY, MAX_FRAME);
        // Move the tail so that exactly `room` bytes are left before the end.
        f.writeWithoutWaiting(pattern(CAPACITY - room - RingBuffer.RECORD_HEADER_LENGTH, 1));
        f.drain();
        f.received.clear();
        int length = Math.max(0, room - RingBuffer.RECORD_HEADER_LENGTH + extra);
        byte[] a = pattern(length, ++seed);
        byte[] b = pattern(length + 3, ++seed);
        f.writeDraining(a);
        f.writeDraining(b);
        f.drain();
        assertThat(f.received).hasSize(2);
        assertThat(bytes(f.received.get(0))).as("room %d, extra %d", room, extra).isEqualTo(a);
        assertThat(bytes(f.received.get(1))).as("room %d, extra %d", room, extra).isEqualTo(b);
      }
    }
  }

  @Test
  void frameOfExactlyTheFreeSpaceFitsWithoutWaiting() {
    RingFixture f = new RingFixture(CAPACITY, MAX_FRAME);
    f.writeWithoutWaiting(pattern(100, 1)); // 112 bytes used
    long free = f.writer.freeBytes();
    f.drain(); // head at 112: the free space wraps; fill the space before the end exactly
    int toEnd = CAPACITY - 112;
    byte[] exact = pattern(toEnd - RingBuffer.RECORD_HEADER_LENGTH, 2);
    f.writeWithoutWaiting(exact);
    assertThat(free).isEqualTo(CAPACITY - 112);
    assertThat(f.writer.freeBytes()).isEqualTo(112);
    f.drain();
    assertThat(bytes(f.received.get(1))).isEqualTo(exact);
  }

  @Test
  void frameOfExactlyTheCapacityIsFragmentedAndReassembled() {
    RingFixture f = new RingFixture(CAPACITY, MAX_FRAME);
    byte[] frame = pattern(CAPACITY, 3);
    f.writeDraining(frame);
    f.drain();
    assertThat(f.received).hasSize(1);
    assertThat(bytes(f.received.get(0))).isEqualTo(frame);
  }

  @Test
  void frameOfCapacityPlusOneIsFragmentedAndReassembled() {
    RingFixture f = new RingFixture(CAPACITY, MAX_FRAME);
    byte[] frame = pattern(CAPACITY + 1, 4);
    f.writeDraining(frame);
    f.drain();
    assertThat(bytes(f.received.get(0))).isEqualTo(frame);
  }

  @Test
  void frameOfFullCapacityMinusHeaderIsOneRecordInAnEmptyRing() {
    RingFixture f = new RingFixture(CAPACITY, MAX_FRAME);
    byte[] frame = pattern(CAPACITY - RingBuffer.RECORD_HEADER_LENGTH, 5);
    f.writeWithoutWaiting(frame);
    assertThat(f.writer.freeBytes()).isZero();
    assertThat(f.drain()).isEqualTo(1);
    assertThat(bytes(f.received.get(0))).isEqualTo(frame);
  }

  @Test
  void aFrameGatheredFromSeveralPartsArrivesWhole() {
    RingFixture f = new RingFixture(CAPACITY, MAX_FRAME);
    ByteBuffer[] parts = {
      ByteBuffer.wrap(pattern(5, 1)), ByteBuffer.allocate(0), ByteBuffer.wrap(pattern(3000, 2))
    };
    f.writer.write(parts, 3005, bytes -> f.drain());
    f.drain();
    assertThat(parts[0].hasRemaining()).isFalse();
    assertThat(parts[2].hasRemaining()).isFalse();
    byte[] got = bytes(f.received.get(0));
    assertThat(got).hasSize(3005);
    assertThat(ByteBuffer.wrap(got, 0, 5)).isEqualTo(ByteBuffer.wrap(pattern(5, 1)));
    assertThat(ByteBuffer.wrap(got, 5, 3000)).isEqualTo(ByteBuffer.wrap(pattern(3000, 2)));
  }

  @Test
  void frameAboveTheMaximumIsRefusedBeforeWriting() {
    RingFixture f = new RingFixture(CAPACITY, 100);
    assertThatThrownBy(() -> f.writeWithoutWaiting(new byte[101]))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("maximum frame size 100");
    assertThat(f.reader.isEmpty()).isTrue();
  }

  @Test
  void corruptRecordLengthIsDetected() {
    RingFixture f = new RingFixture(CAPACITY, MAX_FRAME);
    f.writeWithoutWaiting(pattern(10, 1));
    int data = RingDescriptor.ringOffset(0, CAPACITY) + RingDescriptor.DATA_OFFSET;
    f.mapping.duplicate().order(ByteOrder.nativeOrder()).putInt(data, 5000);
    assertThatThrownBy(f::drain)
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("corrupt shared-memory ring");
  }

  @Test
  void corruptRecordTypeIsDetected() {
    RingFixture f = new RingFixture(CAPACITY, MAX_FRAME);
    f.writeWithoutWaiting(pattern(10, 1));
    int data = RingDescriptor.ringOffset(0, CAPACITY) + RingDescriptor.DATA_OFFSET;
    f.mapping.duplicate().order(ByteOrder.nativeOrder()).putInt(data + 4, 77);
    assertThatThrownBy(f::drain).hasMessageContaining("type 77");
  }

  @Test
  void oversizedFragmentedTotalIsDetectedBeforeAllocation() {
    RingFixture f = new RingFixture(CAPACITY, MAX_FRAME);
    int ring = RingDescriptor.ringOffset(0, CAPACITY);
    ByteBuffer b = f.mapping.duplicate().order(ByteOrder.nativeOrder());
    b.putInt(ring + RingDescriptor.DATA_OFFSET, 100);
    b.putInt(ring + RingDescriptor.DATA_OFFSET + 4, RingBuffer.FIRST);
    b.putLong(ring + RingDescriptor.DATA_OFFSET + 8, 1L << 40);
    b.putLong(ring + RingDescriptor.TAIL_OFFSET, 120);
    assertThatThrownBy(f::drain).hasMessageContaining("exceeds the maximum frame size");
  }

  @Test
  void tailBeyondCapacityIsDetected() {
    RingFixture f = new RingFixture(CAPACITY, MAX_FRAME);
    int tail = RingDescriptor.ringOffset(0, CAPACITY) + RingDescriptor.TAIL_OFFSET;
    f.mapping.duplicate().order(ByteOrder.nativeOrder()).putLong(tail, CAPACITY + 8L);
    assertThatThrownBy(f::drain).hasMessageContaining("out of range");
  }

  @Test
  void tailGoingBackwardsIsDetected() {
    RingFixture f = new RingFixture(CAPACITY, MAX_FRAME);
    f.writeWithoutWaiting(pattern(10, 1));
    assertThat(f.reader.isEmpty()).isFalse();
    int tail = RingDescriptor.ringOffset(0, CAPACITY) + RingDescriptor.TAIL_OFFSET;
    f.mapping.duplicate().order(ByteOrder.nativeOrder()).putLong(tail, 0);
    assertThatThrownBy(f::drain).hasMessageContaining("behind");
  }

  @Test
  void headGoingPastTailIsDetectedByTheWriter() {
    RingFixture f = new RingFixture(CAPACITY, MAX_FRAME);
    int head = RingDescriptor.ringOffset(0, CAPACITY) + RingDescriptor.HEAD_OFFSET;
    f.mapping.duplicate().order(ByteOrder.nativeOrder()).putLong(head, 64);
    assertThatThrownBy(() -> f.writeWithoutWaiting(new byte[1])).hasMessageContaining("head 64");
  }

  @Test
  void countersOffTheEightByteGridAreRefusedWhenTheRingIsOpened() {
    // Found by RingCorruptionFuzzTest: with head = tail = C - 1 the next record header would be
    // read across the end of the data area (past the end of the mapping for the second ring).
    int capacity = CAPACITY;
    ByteBuffer mapping = ByteBuffer.allocateDirect(RingDescriptor.totalLength(capacity));
    RingDescriptor.initialize(mapping, capacity);
    int ring = RingDescriptor.ringOffset(RingDescriptor.SERVER_TO_CLIENT, capacity);
    ByteBuffer b = mapping.duplicate().order(ByteOrder.nativeOrder());
    b.putLong(ring + RingDescriptor.HEAD_OFFSET, capacity - 1L);
    b.putLong(ring + RingDescriptor.TAIL_OFFSET, capacity - 1L);
    assertThatThrownBy(() -> new RingBuffer(mapping, ring, capacity, MAX_FRAME, () -> {}, () -> {}))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("inconsistent");
  }
}
