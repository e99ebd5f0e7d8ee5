package org.witrpc.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.witrpc.WitTransportException;

class WorkerPoolTest {
  private static final int CALLS = 1_000;
  private static final int THREADS = 8;

  @Test
  void spreadsCallsOverAllWorkersAndSurvivesADeathWithNoCallLostOrRunTwice(@TempDir Path dir)
      throws Exception {
    Path calls = dir.resolve("calls.txt");
    try (WorkerPool<Calculator> pool =
        WorkerPool.start(
            4,
            Workers.calculator("mmf")
                .environment("CALLS_FILE", calls.toString())
                .restartPolicy(
                    RestartPolicy.exponential(Duration.ofMillis(50), Duration.ofSeconds(1))))) {
      Calculator calc = pool.service();
      Set<Long> firstPids = ConcurrentHashMap.newKeySet();
      pool.workers().forEach(w -> firstPids.add(w.pid()));
      long victim = pool.workers().get(1).pid();

      AtomicInteger next = new AtomicInteger();
      AtomicInteger done = new AtomicInteger();
      CountDownLatch killTime = new CountDownLatch(1);
      Set<Integer> succeeded = ConcurrentHashMap.newKeySet();
      Set<Integer> failed = ConcurrentHashMap.newKeySet();
      List<Thread> callers = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        Thread caller =
            new Thread(
                () -> {
                  for (int id = next.getAndIncrement(); id < CALLS; id = next.getAndIncrement()) {
                    try {
                      assertThat(calc.record(id)).isEqualTo(id);
                      succeeded.add(id);
                    } catch (WitTransportException lost) {
                      failed.add(id);
                    }
                    if (done.incrementAndGet() == CALLS / 3) {
                      killTime.countDown();
                    }
                  }
                });
        caller.start();
        callers.add(caller);
      }
      assertThat(killTime.await(60, TimeUnit.SECONDS)).isTrue();
      ProcessHandle.of(victim).orElseThrow().destroyForcibly();
      for (Thread caller : callers) {
        caller.join(TimeUnit.SECONDS.toMillis(120));
        assertThat(caller.isAlive()).isFalse();
      }

      Map<Integer, Integer> runs = new HashMap<>();
      Map<Long, Integer> perWorker = new HashMap<>();
      for (String line : Files.readAllLines(calls)) {
        String[] parts = line.split(" ");
        runs.merge(Integer.parseInt(parts[0]), 1, Integer::sum);
        perWorker.merge(Long.parseLong(parts[1]), 1, Integer::sum);
      }
      System.out.printf(
          "pool: %d calls succeeded, %d failed when their worker died; runs per worker pid %s%n",
          succeeded.size(), failed.size(), perWorker);
      assertThat(succeeded.size() + failed.size()).isEqualTo(CALLS);
      assertThat(runs.values()).as("no call ran twice").allMatch(n -> n == 1);
      assertThat(runs.keySet()).as("no successful call was lost").containsAll(succeeded);
      assertThat(failed.size())
          .as("only calls in flight on the dead worker failed")
          .isLessThanOrEqualTo(THREADS);
      assertThat(perWorker.keySet()).as("every worker got calls").containsAll(firstPids);
      assertThat(pool.workers().get(1).pid())
          .as("the dead worker was restarted")
          .isNotEqualTo(victim);
    }
  }

  @Test
  void anIdempotentCallIsRepeatedOnAnotherWorkerWhenItsWorkerDies(@TempDir Path dir)
      throws Exception {
    Path calls = dir.resolve("calls.txt");
    try (WorkerPool<Calculator> pool =
        WorkerPool.start(
            2, Workers.calculator("pipe").environment("CALLS_FILE", calls.toString()))) {
      Calculator calc = pool.service();
      List<Long> pids = pool.workers().stream().map(WorkerProcess::pid).toList();
      CompletableFuture<Integer> call =
          CompletableFuture.supplyAsync(() -> calc.recordAfter(7, 2_000));
      long busy = awaitBusyWorker(pool);
      ProcessHandle.of(busy).orElseThrow().destroyForcibly();
      long other = pids.get(0) == busy ? pids.get(1) : pids.get(0);

      assertThat(call.get(60, TimeUnit.SECONDS)).isEqualTo(7);
      assertThat(Files.readString(calls))
          .as("run once, on the worker that survived")
          .isEqualTo("7 " + other + "\n");
    }
  }

  /** The pid of the worker whose call is in flight (the pool reports nothing: ask each). */
  private static long awaitBusyWorker(WorkerPool<Calculator> pool) throws InterruptedException {
    for (int i = 0; i < 3000; i++) {
      for (WorkerProcess<Calculator> w : pool.workers()) {
        if (w.pendingCalls() > 0) {
          return w.pid();
        }
      }
      TimeUnit.MILLISECONDS.sleep(10);
    }
    throw new AssertionError("no call in flight");
  }
}
