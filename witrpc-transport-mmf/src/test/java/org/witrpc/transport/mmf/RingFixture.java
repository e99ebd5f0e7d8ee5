package org.witrpc.transport.mmf;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** A ring in a direct buffer seen by two sides: a writer and a reader, as two processes would. */
final class RingFixture {
  final ByteBuffer mapping;
  final RingBuffer writer;
  final RingBuffer reader;
  final int capacity;
  final List<ByteBuffer> received = new ArrayList<>();

  RingFixture(int capacity, int maxFrameSize) {
    this.capacity = capacity;
    ByteBuffer raw = ByteBuffer.allocateDirect(RingDescriptor.totalLength(capacity) + 64);
    this.mapping = raw.alignedSlice(64);
    RingDescriptor.initialize(mapping, capacity);
    int offset = RingDescriptor.ringOffset(0, capacity);
    this.writer = new RingBuffer(mapping, offset, capacity, maxFrameSize, () -> {}, () -> {});
    this.reader = new RingBuffer(mapping, offset, capacity, maxFrameSize, () -> {}, () -> {});
  }

  /** Writes in this thread; when the ring is full, the same thread reads to make room. */
  void writeDraining(byte[] frame) {
    writer.write(new ByteBuffer[] {ByteBuffer.wrap(frame)}, frame.length, bytes -> drain());
  }

  /** Writes in this thread; fails if the ring is full. */
  void writeWithoutWaiting(byte[] frame) {
    writer.write(
        new ByteBuffer[] {ByteBuffer.wrap(frame)},
        frame.length,
        bytes -> {
          throw new AssertionError("ring unexpectedly full, waiting for " + bytes + " bytes");
        });
  }

  int drain() {
    int total = 0;
    int n;
    while ((n = reader.read(received::add, 1000)) > 0) {
      total += n;
    }
    return total;
  }

  static byte[] pattern(int length, int seed) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (i * 31 + seed);
    }
    return b;
  }

  static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
