package org.witrpc.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.witrpc.testkit.Conditions;

/**
 * The warm hand-off in front of the server's executor: tasks all run, a worker spins only for a
 * bounded time after its task and then leaves (the pool's threads park), and a slow task delays no
 * other. No timing is asserted.
 */
class WarmHandOffTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final ExecutorService pool =
      Executors.newFixedThreadPool(
          4,
          r -> {
            Thread t = new Thread(r, "warm-test-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
          });

  @AfterEach
  void shutdown() {
    pool.shutdownNow();
  }

  @Test
  void everyTaskRunsAndTheWorkerStopsSpinningWhenIdle() throws Exception {
    WarmHandOff warm = new WarmHandOff(pool, 50_000);
    CountDownLatch done = new CountDownLatch(1_000);
    for (int i = 0; i < 1_000; i++) {
      warm.execute(done::countDown);
    }
    // one at a time, as a reader hands off requests of a ping-pong
    for (int i = 0; i < 200; i++) {
      CountDownLatch one = new CountDownLatch(1);
      warm.execute(one::countDown);
      assertThat(one.await(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();

    Conditions.await(() -> !warm.isSpinning(), DEADLINE, "the warm worker to stop spinning");
    Conditions.await(
        () ->
            Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("warm-test-"))
                .allMatch(t -> t.getState() == Thread.State.WAITING),
        DEADLINE,
        "the pool's threads to park");
  }

  @Test
  void aSlowTaskDelaysNoOther() throws Exception {
    WarmHandOff warm = new WarmHandOff(pool, 50_000);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch slowRunning = new CountDownLatch(1);
    warm.execute(
        () -> {
          slowRunning.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    assertThat(slowRunning.await(10, TimeUnit.SECONDS)).isTrue();

    CountDownLatch quick = new CountDownLatch(10);
    for (int i = 0; i < 10; i++) {
      warm.execute(quick::countDown);
    }

    assertThat(quick.await(10, TimeUnit.SECONDS)).isTrue();
    release.countDown();
  }

  @Test
  void noSpinWhenTheBudgetIsZero() throws Exception {
    WarmHandOff warm = new WarmHandOff(pool, 0);
    CountDownLatch done = new CountDownLatch(1);
    warm.execute(done::countDown);

    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(warm.isSpinning()).isFalse();
  }
}
