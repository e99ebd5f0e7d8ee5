package org.witrpc.transport.mmf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

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
}
