package org.witrpc.transport.mmf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.witrpc.spi.Connection;
import org.witrpc.spi.FrameListener;

/**
 * Alternates bursts and pauses long enough for both readers to park, for about 20 seconds, so that
 * every interleaving of "reader announces it waits" and "writer publishes" gets exercised. A lost
 * wake-up shows as a frame that does not arrive within 5 seconds.
 */
class MmfWakeupStressTest {
  private static final long RUN_NANOS = TimeUnit.SECONDS.toNanos(20);

  @ParameterizedTest(name = "client's listener never blocks: {0}")
  @ValueSource(booleans = {false, true})
  void burstsAndPausesNeverStallForTwentySeconds(boolean neverBlocks) throws Exception {
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "ws");
    AtomicInteger echoed = new AtomicInteger();
    Semaphore replies = new Semaphore(0);
    AtomicInteger expected = new AtomicInteger();
    AtomicInteger outOfOrder = new AtomicInteger();
    try (MmfServerTransport server =
        MmfTransport.server("stress")
            .directory(dir)
            .size("16KiB")
            .spinBudget(Duration.ofNanos(5_000))
            .build()) {
      server.start(
          c -> {
            c.allowLargeFrames(); // frames of up to 20 KB, above the pre-READY limit
            return new FrameListener() {
              @Override
              public void onFrame(ByteBuffer frame) {
                c.send(frame);
                echoed.incrementAndGet();
              }

              @Override
              public void onClosed(Throwable cause) {}
            };
          });
      FrameListener clientListener =
          new FrameListener() {
            @Override
            public void onFrame(ByteBuffer frame) {
              if (frame.getInt(0) != expected.getAndIncrement()) {
                outOfOrder.incrementAndGet();
              }
              replies.release();
            }

            @Override
            public void onClosed(Throwable cause) {}

            @Override
            public boolean neverBlocks() {
              return neverBlocks; // true: the client's reader waits on the doorbell itself
            }
          };
      Connection c =
          MmfTransport.client("stress")
              .directory(dir)
              .spinBudget(Duration.ofNanos(5_000))
              .build()
              .connect(clientListener, Duration.ofSeconds(5));
      c.allowLargeFrames();
      try {
        SplittableRandom random = new SplittableRandom(42);
        long end = System.nanoTime() + RUN_NANOS;
        int seq = 0;
        int bursts = 0;
        while (System.nanoTime() < end) {
          int burst = 1 + random.nextInt(random.nextBoolean() ? 3 : 40);
          for (int i = 0; i < burst; i++) {
            int len = 4 + random.nextInt(random.nextInt(10) == 0 ? 20_000 : 200);
            c.send(ByteBuffer.allocate(len).putInt(0, seq++));
          }
          if (random.nextBoolean()) {
            long deadline = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(50);
            c.readUntil(() -> replies.availablePermits() >= burst, deadline);
          }
          assertThat(replies.tryAcquire(burst, 5, TimeUnit.SECONDS))
              .as("burst %d (frames up to %d) echoed within 5 s", bursts, seq)
              .isTrue();
          bursts++;
          // Pause long enough for both sides to give up spinning and park.
          LockSupport.parkNanos(50_000 + random.nextLong(3_000_000));
        }
        assertThat(outOfOrder).hasValue(0);
        assertThat(echoed).hasValue(seq);
        assertThat(bursts).isGreaterThan(1000);
      } finally {
        c.close();
      }
    } finally {
      Files.delete(dir);
    }
  }
}
