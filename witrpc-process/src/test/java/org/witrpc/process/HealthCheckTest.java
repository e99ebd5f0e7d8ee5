package org.witrpc.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.witrpc.WitTransportException;
import org.witrpc.testkit.Await;
import org.witrpc.testkit.Signals;

/**
 * A worker that stops answering although its process lives is killed by its host's health check
 * (and restarted by the restart policy); a worker busy with long calls is not.
 */
class HealthCheckTest {
  /** Detects a frozen worker within about half a second. */
  private static final HealthCheck QUICK =
      HealthCheck.every(Duration.ofMillis(100)).timeout(Duration.ofMillis(100)).maxMissed(3);

  @Test
  void aFrozenWorkerIsKilledAndRestarted() throws Exception {
    List<WorkerEvent> events = new CopyOnWriteArrayList<>();
    try (WorkerProcess<Calculator> worker =
        Workers.calculator("pipe")
            .healthCheck(QUICK)
            .restartPolicy(RestartPolicy.exponential(Duration.ofMillis(10), Duration.ofSeconds(1)))
            .listener(events::add)
            .start()) {
      long frozenPid = worker.pid();
      freeze(frozenPid);

      Await.until(
          "the frozen worker is killed and running again",
          Duration.ofSeconds(60),
          () -> worker.state() == WorkerState.RUNNING && worker.pid() != frozenPid);
      assertThat(worker.service().pid()).isEqualTo(worker.pid()).isNotEqualTo(frozenPid);
      assertThat(worker.service().add(40, 2)).isEqualTo(42);
      WorkerEvent exited =
          events.stream().filter(e -> e.state() == WorkerState.EXITED).findFirst().orElseThrow();
      assertThat(exited.exitCode()).hasValue(137);
      assertThat(exited.detail())
          .contains("pid " + frozenPid)
          .contains("killed after 3 health checks in a row went unanswered");
      assertThat(ProcessHandle.of(frozenPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }
  }

  @Test
  void aCallWaitingOnAFrozenWorkerFailsWhenTheWorkerIsKilled() throws Exception {
    WorkerProcess<Calculator> worker =
        Workers.calculator("mmf").healthCheck(QUICK).callTimeout(Duration.ofMinutes(5)).start();
    try {
      freeze(worker.pid());
      // without the check this call would wait its five minutes' timeout
      assertThatThrownBy(() -> worker.service().add(1, 2))
          .isInstanceOf(WitTransportException.class);
      assertThat(worker.onExit().get(60, TimeUnit.SECONDS)).isEqualTo(137);
      assertThat(worker.state()).isEqualTo(WorkerState.EXITED);
    } finally {
      worker.close();
    }
    Await.until("the supervisor thread ends", () -> !supervisorThreadOf(worker.name()));
  }

  @Test
  void aWorkerWhoseApplicationIsBusyIsNotKilled() throws Exception {
    List<WorkerEvent> events = new CopyOnWriteArrayList<>();
    ExecutorService callers = Executors.newFixedThreadPool(3);
    try (WorkerProcess<Calculator> worker =
        WorkerProcess.builder(Calculator.class)
            .mainClass(OneThreadWorker.class)
            .jvmOptions(Workers.FAST_JVM)
            .transport("mmf")
            .startTimeout(Workers.START)
            .healthCheck(QUICK)
            .listener(events::add)
            .start()) {
      long pid = worker.pid();
      List<Future<Long>> calls = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        // one runs, two wait for the worker's only thread: 4.5 s in all, ten times the checks'
        // bound
        calls.add(callers.submit(() -> worker.service().sleep(1_500)));
      }
      for (Future<Long> call : calls) {
        assertThat(call.get(60, TimeUnit.SECONDS)).isEqualTo(pid);
      }
      assertThat(worker.pid()).isEqualTo(pid);
      assertThat(events)
          .extracting(WorkerEvent::state)
          .containsExactly(WorkerState.STARTING, WorkerState.RUNNING);
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void aFrozenWorkerWhoseConnectionTheHostClosedIsKilled() throws Exception {
    WorkerProcess<Calculator> worker =
        Workers.calculator("pipe?sendTimeout=300ms")
            .healthCheck(HealthCheck.every(Duration.ofMillis(500)).maxMissed(2))
            .callTimeout(Duration.ofMinutes(5))
            .start();
    try {
      long pid = worker.pid();
      Signals.stop(pid);
      // calls the frozen worker never reads fill the socket until a send stalls past its 300 ms
      // and the host closes the connection; no restart policy, so it stays closed
      for (int i = 0; i < 100_000 && worker.isServing(); i++) {
        worker.service().recordAfterAsync(i, 0);
      }
      Await.until(
          "the host's connection closed", Duration.ofSeconds(60), () -> !worker.isServing());
      assertThat(worker.onExit().get(60, TimeUnit.SECONDS)).isEqualTo(137);
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    } finally {
      worker.kill();
    }
  }

  @Test
  void closingAWorkerWithARareCheckEndsItsSupervisorAtOnce() {
    WorkerProcess<Calculator> worker =
        Workers.calculator("pipe").healthCheck(HealthCheck.every(Duration.ofHours(1))).start();
    assertThat(supervisorThreadOf(worker.name())).isTrue();
    worker.close();
    // a check due in an hour must not keep the supervisor's thread
    Await.until(
        "the supervisor thread ends",
        Duration.ofSeconds(5),
        () -> !supervisorThreadOf(worker.name()));
  }

  @Test
  void refusesBadSettings() {
    assertThatThrownBy(() -> HealthCheck.every(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("interval");
    assertThatThrownBy(() -> HealthCheck.every(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("interval must be positive");
    HealthCheck check = HealthCheck.every(Duration.ofSeconds(1));
    assertThatThrownBy(() -> check.timeout(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout must be positive");
    assertThatThrownBy(() -> check.maxMissed(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxMissed must be >= 1");
    assertThatThrownBy(() -> Workers.calculator("pipe").healthCheck(null))
        .isInstanceOf(NullPointerException.class);
    assertThat(check.timeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(check.maxMissed()).isEqualTo(HealthCheck.DEFAULT_MAX_MISSED);
    assertThat(check.timeout(Duration.ofMillis(5)).maxMissed(2))
        .isEqualTo(
            HealthCheck.every(Duration.ofSeconds(1)).maxMissed(2).timeout(Duration.ofMillis(5)))
        .hasToString("HealthCheck[every PT1S, timeout PT0.005S, 2 missed]");
  }

  /** Stops the process with SIGSTOP: it lives and answers nothing. */
  private static void freeze(long pid) throws IOException, InterruptedException {
    Signals.stop(pid);
  }

  private static boolean supervisorThreadOf(String worker) {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals("witrpc-process-supervisor-" + worker) && t.isAlive());
  }
}
