package org.witrpc.transport.mmf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.witrpc.WitTransportException;

class RingBufferPropertyTest {

  @Property(tries = 60)
  void framesOfAnySizeArriveByteForByteAcrossTwoThreads(
      @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 0, max = 9000) Integer> sizes,
      @ForAll @IntRange(min = 10, max = 13) int capacityLog2)
      throws Exception {
    int capacity = 1 << capacityLog2;
    RingFixture f = new RingFixture(capacity, 1 << 20);
    CompletableFuture<List<byte[]>> reading =
        CompletableFuture.supplyAsync(
            () -> {
              List<byte[]> got = new ArrayList<>();
              long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
              while (got.size() < sizes.size() && System.nanoTime() < deadline) {
                if (f.reader.read(b -> got.add(RingFixture.bytes(b)), 16) == 0) {
                  Thread.yield();
                }
              }
              return got;
            });
    for (int i = 0; i < sizes.size(); i++) {
      byte[] frame = RingFixture.pattern(sizes.get(i), i);
      f.writer.write(
          new ByteBuffer[] {ByteBuffer.wrap(frame)},
          frame.length,
          bytes -> {
            while (f.writer.freeBytes() < bytes) {
              Thread.yield();
            }
          });
    }
    List<byte[]> got = reading.get(30, TimeUnit.SECONDS);
    assertThat(got).hasSize(sizes.size());
    for (int i = 0; i < sizes.size(); i++) {
      assertThat(got.get(i)).isEqualTo(RingFixture.pattern(sizes.get(i), i));
    }
  }

  /**
   * The pre-READY limit: frames up to the read limit arrive whole; the first frame above it (whole
   * or fragmented, announced by its FRAME length or FIRST total) ends reading with an error naming
   * the limit, before the reader allocates it; nothing of it is delivered.
   */
  @Property(tries = 200)
  void aFrameAboveTheReadLimitEndsReadingAndFramesBelowItArrive(
      @ForAll @Size(min = 1, max = 12) List<@IntRange(min = 0, max = 6000) Integer> sizes,
      @ForAll @IntRange(min = 16, max = 4096) int limit,
      @ForAll @IntRange(min = 10, max = 12) int capacityLog2) {
    RingFixture f = new RingFixture(1 << capacityLog2, 1 << 20);
    f.reader.limitReadFrames(limit);
    int firstTooLarge = -1;
    for (int i = 0; i < sizes.size(); i++) {
      if (sizes.get(i) > limit) {
        firstTooLarge = i;
        break;
      }
    }
    int expected = firstTooLarge < 0 ? sizes.size() : firstTooLarge;
    try {
      for (int i = 0; i < sizes.size(); i++) {
        f.writeDraining(RingFixture.pattern(sizes.get(i), i));
      }
      f.drain();
      assertThat(firstTooLarge).as("no frame above the limit, no error").isEqualTo(-1);
    } catch (WitTransportException e) {
      assertThat(firstTooLarge).as("an error only for a frame above the limit").isNotEqualTo(-1);
      assertThat(e.getMessage())
          .contains(String.valueOf(sizes.get(firstTooLarge)))
          .contains(String.valueOf(limit));
      assertThatThrownBy(f::drain)
          .as("the reader stays stopped there")
          .isInstanceOf(WitTransportException.class);
    }
    assertThat(f.received).hasSize(expected);
    for (int i = 0; i < expected; i++) {
      assertThat(RingFixture.bytes(f.received.get(i)))
          .isEqualTo(RingFixture.pattern(sizes.get(i), i));
    }
  }

  /**
   * Fragmented frames larger than the first buffer (1 MiB), whose reassembly buffer grows as the
   * fragments arrive, arrive byte for byte, with a buffer exactly as large as the frame.
   */
  @Property(tries = 8)
  void framesThatOutgrowTheFirstBufferArriveWhole(
      @ForAll @Size(min = 1, max = 3) List<@IntRange(min = 0, max = 5 << 20) Integer> sizes,
      @ForAll @IntRange(min = 12, max = 16) int capacityLog2) {
    RingFixture f = new RingFixture(1 << capacityLog2, 8 << 20);
    for (int i = 0; i < sizes.size(); i++) {
      f.writeDraining(RingFixture.pattern(sizes.get(i), i));
    }
    f.drain();
    assertThat(f.received).hasSize(sizes.size());
    for (int i = 0; i < sizes.size(); i++) {
      ByteBuffer frame = f.received.get(i);
      assertThat(frame.capacity()).as("buffer of frame " + i).isEqualTo(sizes.get(i));
      assertThat(RingFixture.bytes(frame)).isEqualTo(RingFixture.pattern(sizes.get(i), i));
    }
  }
}
