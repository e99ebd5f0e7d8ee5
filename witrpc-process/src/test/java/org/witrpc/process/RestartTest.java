package org.witrpc.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.witrpc.WitTransportException;
import org.witrpc.testkit.Await;

/** A worker killed under a restart policy comes back on the same address; the proxy works. */
class RestartTest {

  @Test
  void aKilledWorkerIsRestartedAndTheSameProxyWorks() throws Exception {
    List<WorkerEvent> events = new CopyOnWriteArrayList<>();
    CountDownLatch runningTwice = new CountDownLatch(2);
    try (WorkerProcess<Calculator> worker =
        Workers.calculator("mmf")
            .restartPolicy(RestartPolicy.exponential(Duration.ofMillis(50), Duration.ofSeconds(1)))
            .listener(
                event -> {
                  events.add(event);
                  if (event.state() == WorkerState.RUNNING) {
                    runningTwice.countDown();
                  }
                })
            .start()) {
      Calculator calc = worker.service();
      long firstPid = calc.pid();
      String name = Workers.transportName(worker);

      ProcessHandle.of(firstPid).orElseThrow().destroyForcibly();

      long t0 = System.nanoTime();
      long secondPid = awaitAnswer(calc);
      System.out.printf(
          "a killed worker answered again after %d ms%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      assertThat(secondPid).isNotEqualTo(firstPid).isEqualTo(worker.pid());
      assertThat(calc.add(20, 22)).isEqualTo(42);
      assertThat(worker.address()).contains(name);
      // the proxy may answer before the supervisor has seen the reconnect and said RUNNING
      assertThat(runningTwice.await(10, TimeUnit.SECONDS)).as("RUNNING again").isTrue();
      assertThat(worker.state()).isEqualTo(WorkerState.RUNNING);
      assertThat(events)
          .extracting(WorkerEvent::state)
          .containsExactly(
              WorkerState.STARTING,
              WorkerState.RUNNING,
              WorkerState.EXITED,
              WorkerState.RESTARTING,
              WorkerState.STARTING,
              WorkerState.RUNNING);
      assertThat(events.get(2).exitCode()).hasValue(137);
    }
    assertThat(events.get(events.size() - 1).state()).isEqualTo(WorkerState.EXITED);
  }

  @Test
  void theRestartPolicyGivesUpAfterItsMaximum() throws Exception {
    List<WorkerEvent> events = new CopyOnWriteArrayList<>();
    WorkerProcess<Calculator> worker =
        Workers.calculator("pipe")
            .restartPolicy(
                RestartPolicy.exponential(Duration.ofMillis(10), Duration.ofMillis(10))
                    .maxRestarts(1))
            .listener(events::add)
            .start();
    ProcessHandle.of(worker.pid()).orElseThrow().destroyForcibly();
    awaitAnswer(worker.service());
    ProcessHandle.of(worker.pid()).orElseThrow().destroyForcibly();
    assertThat(worker.onExit().get(60, TimeUnit.SECONDS)).isEqualTo(137);
    assertThat(worker.state()).isEqualTo(WorkerState.FAILED);
    assertThat(events.get(events.size() - 1).detail()).contains("the restart policy gave up");
    worker.close(); // nothing left to stop
  }

  @Test
  void aStopThatBeginsAsARestartLaunchesItsProcessEnds() throws Exception {
    List<WorkerEvent> events = new CopyOnWriteArrayList<>();
    WorkerProcess<Calculator> worker =
        Workers.calculator("pipe")
            .restartPolicy(RestartPolicy.exponential(Duration.ofMillis(10), Duration.ofMillis(10)))
            .listener(events::add)
            .start();
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    // the stop takes the restart's new process as the one to stop, before the restart looks again
    worker.afterRelaunch =
        () -> {
          Thread stopper =
              new Thread(
                  () -> {
                    try {
                      worker.stop(Duration.ofSeconds(5));
                    } finally {
                      stopped.complete(null);
                    }
                  },
                  "stopper");
          stopper.setDaemon(true);
          stopper.start();
          Await.until("the stop began", () -> worker.state() == WorkerState.STOPPING);
        };
    try {
      ProcessHandle.of(worker.pid()).orElseThrow().destroyForcibly();

      // before, the stop waited 30 s for an exit that never came, and the worker stayed STOPPING
      stopped.get(20, TimeUnit.SECONDS);
      assertThat(worker.onExit()).isDone();
      assertThat(worker.state()).isEqualTo(WorkerState.EXITED);
      assertThat(ProcessHandle.of(worker.pid()).filter(ProcessHandle::isAlive)).isEmpty();
      Await.until(
          "the supervisor thread ends",
          Duration.ofSeconds(5),
          () ->
              Thread.getAllStackTraces().keySet().stream()
                  .noneMatch(
                      t ->
                          t.getName().equals("witrpc-process-supervisor-" + worker.name())
                              && t.isAlive()));
      assertThat(events)
          .extracting(WorkerEvent::state)
          .containsExactly(
              WorkerState.STARTING,
              WorkerState.RUNNING,
              WorkerState.EXITED,
              WorkerState.RESTARTING,
              WorkerState.STARTING,
              WorkerState.STOPPING,
              WorkerState.EXITED);
    } finally {
      ProcessHandle.of(worker.pid()).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  /**
   * Calls until the worker answers: the one call that was on its way when the worker died fails;
   * the later ones wait for the restart, also those made before the host's client saw the death
   * (their frames never left, the connection had ended).
   */
  private static long awaitAnswer(Calculator calc) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    WitTransportException last = null;
    int failures = 0;
    while (System.nanoTime() - deadline < 0) {
      try {
        long pid = calc.pid();
        System.out.printf(
            "%d calls failed while the worker was dying (last: %s)%n", failures, last);
        assertThat(failures).as("calls failed, one caller calling in turn").isLessThanOrEqualTo(1);
        return pid;
      } catch (WitTransportException lostWhileDying) {
        last = lostWhileDying;
        failures++;
      }
    }
    throw new AssertionError("the worker did not come back", last);
  }
}
