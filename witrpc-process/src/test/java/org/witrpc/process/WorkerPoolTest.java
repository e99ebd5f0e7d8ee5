package org.witrpc.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.witrpc.WitException;
import org.witrpc.WitTransportException;
import org.witrpc.testkit.Await;
import org.witrpc.testkit.Signals;

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
    assertRepeatedOnTheSurvivor(
        dir, calc -> CompletableFuture.supplyAsync(() -> calc.recordAfter(7, 2_000)));
  }

  @Test
  void withAHealthCheckAFrozenWorkerCostsItsCallsOnlyTheCheck(@TempDir Path dir) throws Exception {
    Path calls = dir.resolve("calls.txt");
    try (WorkerPool<Calculator> pool =
        WorkerPool.start(
            2,
            Workers.calculator("pipe")
                .environment("CALLS_FILE", calls.toString())
                .callTimeout(Duration.ofMinutes(5))
                .healthCheck(
                    HealthCheck.every(Duration.ofMillis(100))
                        .timeout(Duration.ofMillis(100))
                        .maxMissed(3)))) {
      Calculator calc = pool.service();
      long frozen = pool.workers().get(0).pid();
      long other = pool.workers().get(1).pid();
      Signals.stop(frozen);

      // one caller: every other call goes to the frozen worker until its check kills it; without
      // the check such a call would wait its five minutes
      CompletableFuture<List<Integer>> results =
          CompletableFuture.supplyAsync(
              () -> {
                List<Integer> ids = new ArrayList<>();
                for (int id = 0; id < 6; id++) {
                  ids.add(calc.recordAfter(id, 0));
                }
                return ids;
              });
      assertThat(results.get(60, TimeUnit.SECONDS)).containsExactly(0, 1, 2, 3, 4, 5);
      assertThat(Files.readAllLines(calls))
          .as("each run once, on the worker that answers")
          .containsExactly(
              "0 " + other, "1 " + other, "2 " + other, "3 " + other, "4 " + other, "5 " + other);
      assertThat(pool.workers().get(0).onExit().get(60, TimeUnit.SECONDS)).isEqualTo(137);
    }
  }

  @Test
  void anAsyncIdempotentCallIsRepeatedOnAnotherWorkerWhenItsWorkerDies(@TempDir Path dir)
      throws Exception {
    assertRepeatedOnTheSurvivor(dir, calc -> calc.recordAfterAsync(7, 2_000));
  }

  /**
   * Makes {@code call} (id 7, running 2 s) on a pool of two, kills the worker that runs it, and
   * asserts that it returns, run once, on the other.
   */
  private static void assertRepeatedOnTheSurvivor(
      Path dir, Function<Calculator, CompletableFuture<Integer>> call) throws Exception {
    Path calls = dir.resolve("calls.txt");
    try (WorkerPool<Calculator> pool =
        WorkerPool.start(
            2, Workers.calculator("pipe").environment("CALLS_FILE", calls.toString()))) {
      List<Long> pids = pool.workers().stream().map(WorkerProcess::pid).toList();
      CompletableFuture<Integer> result = call.apply(pool.service());
      long busy = awaitBusyWorker(pool);
      ProcessHandle.of(busy).orElseThrow().destroyForcibly();
      long other = pids.get(0) == busy ? pids.get(1) : pids.get(0);

      assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo(7);
      assertThat(Files.readString(calls))
          .as("run once, on the worker that survived")
          .isEqualTo("7 " + other + "\n");
    }
  }

  @Test
  void aListenerAddedAfterAWorkerEndedForGoodIsAddedOnTheOthers() throws Exception {
    try (WorkerPool<Calculator> pool = WorkerPool.start(2, Workers.calculator("pipe"))) {
      Calculator calc = pool.service();
      WorkerProcess<Calculator> gone = pool.workers().get(1);
      ProcessHandle.of(gone.pid()).orElseThrow().destroyForcibly();
      gone.onExit().get(60, TimeUnit.SECONDS);
      List<Long> heard = new CopyOnWriteArrayList<>();
      Calculator.PidListener listener = heard::add;

      calc.addPidListener(listener);

      long survivor = pool.workers().get(0).pid();
      assertThat(calc.announcePid()).as("listeners on the survivor").isEqualTo(1);
      Await.until("the survivor's event", () -> heard.contains(survivor));
      calc.removePidListener(listener);
      assertThat(calc.announcePid()).as("listeners after removing it").isZero();
      assertThatThrownBy(() -> pool.stop(null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("grace == null");
    }
  }

  @Test
  void aListenerSubscriptionThatFailsOnOneWorkerIsTakenBackFromTheOthers() {
    try (WorkerPool<Calculator> pool =
        WorkerPool.start(
            2,
            Workers.calculator("pipe")
                .callTimeout(Duration.ofSeconds(1))
                .restartPolicy(
                    RestartPolicy.exponential(Duration.ofMinutes(1), Duration.ofMinutes(1))))) {
      WorkerProcess<Calculator> down = pool.workers().get(1);
      ProcessHandle.of(down.pid()).orElseThrow().destroyForcibly();
      Await.until("worker 1 waits to restart", () -> down.state() == WorkerState.RESTARTING);
      Calculator.PidListener listener = pid -> {};

      assertThatThrownBy(() -> pool.service().addPidListener(listener))
          .isInstanceOf(WitException.class);

      assertThat(pool.workers().get(0).service().announcePid())
          .as("listeners left on worker 0, subscribed before worker 1 failed")
          .isZero();
    }
  }

  @Test
  void callsWaitForARestartingWorkerRatherThanGoToOneThatEndedForGood() throws Exception {
    try (WorkerPool<Calculator> pool =
        WorkerPool.start(
            2,
            Workers.calculator("pipe")
                .restartPolicy(
                    RestartPolicy.exponential(Duration.ofSeconds(3), Duration.ofSeconds(3))))) {
      Calculator calc = pool.service();
      WorkerProcess<Calculator> restarting = pool.workers().get(1);
      pool.workers().get(0).kill();
      ProcessHandle.of(restarting.pid()).orElseThrow().destroyForcibly();
      Await.until("worker 1 waits to restart", () -> restarting.state() == WorkerState.RESTARTING);

      // two calls while no worker serves: the turn starts one of them at the stopped worker, whose
      // client is closed; before, it was sent there and failed at once
      ExecutorService callers = Executors.newFixedThreadPool(2);
      try {
        List<Callable<Long>> calls = List.of(calc::pid, calc::pid);
        for (Future<Long> pid : callers.invokeAll(calls, 60, TimeUnit.SECONDS)) {
          assertThat(pid.get()).isEqualTo(restarting.pid());
        }
      } finally {
        callers.shutdownNow();
      }
    }
  }

  @Test
  void aPoolClosedFromAWorkerListenerReturnsAtOnceAndStopsEveryWorker() throws Exception {
    AtomicReference<WorkerPool<Calculator>> poolRef = new AtomicReference<>();
    CompletableFuture<Long> closeMillis = new CompletableFuture<>();
    WorkerPool<Calculator> pool =
        WorkerPool.start(
            2,
            Workers.calculator("pipe")
                .listener(
                    event -> {
                      if (event.state() == WorkerState.EXITED && !closeMillis.isDone()) {
                        long t0 = System.nanoTime();
                        poolRef.get().close();
                        closeMillis.complete(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                      }
                    }));
    poolRef.set(pool);

    ProcessHandle.of(pool.workers().get(0).pid()).orElseThrow().destroyForcibly();

    assertThat(closeMillis.get(60, TimeUnit.SECONDS))
        .as("ms in close() called from a listener (it waited 30 s for its own exit)")
        .isLessThan(10_000);
    for (WorkerProcess<Calculator> worker : pool.workers()) {
      worker.onExit().get(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void aPoolStartFailsAtTheFirstFailedWorkerAndLeavesNothing(@TempDir Path dir) {
    Set<Long> before = children();
    long t0 = System.nanoTime();
    assertThatThrownBy(
            () ->
                WorkerPool.start(
                    3,
                    WorkerProcess.builder(Calculator.class)
                        .mainClass(FailingMains.FirstExitsOthersHang.class)
                        .jvmOptions(Workers.FAST_JVM)
                        .environment("FIRST_FILE", dir.resolve("first").toString())
                        .startTimeout(Duration.ofSeconds(120))))
        .isInstanceOf(WorkerStartException.class)
        .hasMessageContaining("exited with code 3 before it served");
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    System.out.printf("a pool whose first worker failed gave up after %d ms%n", millis);
    assertThat(millis).as("not the others' start timeout of 120 s").isLessThan(60_000);
    assertThat(children()).isSubsetOf(before);
  }

  @Test
  void anInterruptedPoolStartEndsItsWorkersAndSaysSo() throws Exception {
    Set<Long> before = children();
    InterruptedStart starter =
        InterruptedStart.begin(
            "pool-starter",
            () ->
                WorkerPool.start(
                    2,
                    WorkerProcess.builder(Calculator.class)
                        .mainClass(FailingMains.NeverServes.class)
                        .jvmOptions(Workers.FAST_JVM)
                        .name("interrupted-pool")
                        .startTimeout(Duration.ofSeconds(120))));
    Await.until(
        "both workers' JVMs started",
        () -> children().stream().filter(pid -> !before.contains(pid)).count() == 2);

    starter.interrupt();

    assertThat(starter.thrown())
        .isInstanceOf(WorkerStartException.class)
        .hasMessageContaining("the start of pool interrupted-pool was interrupted");
    assertThat(starter.interruptKept()).as("the interrupt status kept").isTrue();
    assertThat(children()).as("workers left").isSubsetOf(before);
    starter.join();
  }

  @Test
  void aPoolIsAtMostMaxSizeWorkers() {
    assertThatThrownBy(() -> WorkerPool.start(WorkerPool.MAX_SIZE + 1, Workers.calculator("pipe")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("size must be from 1 to 1000 (each worker is a JVM): 1001");
  }

  private static Set<Long> children() {
    return ProcessHandle.current()
        .children()
        .map(ProcessHandle::pid)
        .collect(java.util.stream.Collectors.toSet());
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
