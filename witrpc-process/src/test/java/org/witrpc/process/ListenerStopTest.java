package org.witrpc.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.witrpc.testkit.Await;

/**
 * A listener may close or kill its worker: the call returns at once and no false event follows. A
 * listener that throws, even an {@link Error}, is logged and changes nothing.
 */
class ListenerStopTest {

  @Test
  void closeOnExitedWithoutARestartPolicy() throws Exception {
    List<WorkerEvent> events = new CopyOnWriteArrayList<>();
    CompletableFuture<WorkerProcess<Calculator>> self = new CompletableFuture<>();
    CompletableFuture<Void> closed = new CompletableFuture<>();
    WorkerProcess<Calculator> worker =
        Workers.calculator("pipe")
            .listener(
                event -> {
                  events.add(event);
                  if (event.state() == WorkerState.EXITED) {
                    self.join().close();
                    closed.complete(null);
                  }
                })
            .start();
    self.complete(worker);
    try {
      ProcessHandle.of(worker.pid()).orElseThrow().destroyForcibly();
      closed.get(60, TimeUnit.SECONDS);
      assertThat(worker.onExit().get(60, TimeUnit.SECONDS)).isEqualTo(137);
    } finally {
      worker.close();
    }
    assertThat(events)
        .extracting(WorkerEvent::state)
        .containsExactly(WorkerState.STARTING, WorkerState.RUNNING, WorkerState.EXITED);
  }

  @Test
  void closeOnRestarting() throws Exception {
    List<WorkerEvent> events = new CopyOnWriteArrayList<>();
    CompletableFuture<WorkerProcess<Calculator>> self = new CompletableFuture<>();
    CompletableFuture<Void> closed = new CompletableFuture<>();
    WorkerProcess<Calculator> worker =
        Workers.calculator("pipe")
            .restartPolicy(RestartPolicy.exponential(Duration.ofMillis(10), Duration.ofSeconds(1)))
            .listener(
                event -> {
                  events.add(event);
                  if (event.state() == WorkerState.RESTARTING) {
                    self.join().close();
                    closed.complete(null);
                  }
                })
            .start();
    self.complete(worker);
    try {
      ProcessHandle.of(worker.pid()).orElseThrow().destroyForcibly();
      // generous: a close that waits for the exit it holds up gives up only after 30 s
      closed.get(20, TimeUnit.SECONDS);
      worker.onExit().get(60, TimeUnit.SECONDS);
    } finally {
      worker.close();
    }
    assertThat(events)
        .extracting(WorkerEvent::state)
        .containsExactly(
            WorkerState.STARTING,
            WorkerState.RUNNING,
            WorkerState.EXITED,
            WorkerState.RESTARTING,
            WorkerState.STOPPING,
            WorkerState.EXITED);
    assertThat(worker.state()).isEqualTo(WorkerState.EXITED);
  }

  @Test
  void killOnExitedWithARestartPolicyAddsOnlyStoppingAndTheFinalEvent() throws Exception {
    List<WorkerEvent> events = new CopyOnWriteArrayList<>();
    CompletableFuture<WorkerProcess<Calculator>> self = new CompletableFuture<>();
    WorkerProcess<Calculator> worker =
        Workers.calculator("pipe")
            .restartPolicy(RestartPolicy.exponential(Duration.ofMillis(10), Duration.ofSeconds(1)))
            .listener(
                event -> {
                  events.add(event);
                  if (event.state() == WorkerState.EXITED) {
                    self.join().kill();
                  }
                })
            .start();
    self.complete(worker);
    try {
      ProcessHandle.of(worker.pid()).orElseThrow().destroyForcibly();
      worker.onExit().get(60, TimeUnit.SECONDS);
    } finally {
      worker.close();
    }
    // no RESTARTING: the restart was decided before the kill, and is not said once it is off
    assertThat(events)
        .extracting(WorkerEvent::state)
        .containsExactly(
            WorkerState.STARTING,
            WorkerState.RUNNING,
            WorkerState.EXITED,
            WorkerState.STOPPING,
            WorkerState.EXITED);
  }

  @Test
  void anErrorThrownByAListenerOnTheSupervisorStopsNoRestart() throws Exception {
    List<WorkerEvent> events = new CopyOnWriteArrayList<>();
    WorkerProcess<Calculator> worker =
        Workers.calculator("pipe")
            .restartPolicy(RestartPolicy.exponential(Duration.ofMillis(10), Duration.ofMillis(10)))
            .listener(
                event -> {
                  events.add(event);
                  if (event.state() == WorkerState.EXITED) {
                    throw new AssertionError("a listener's assertion failed on " + event);
                  }
                })
            .start();
    try {
      long firstPid = worker.pid();
      ProcessHandle.of(firstPid).orElseThrow().destroyForcibly();

      // before, the Error ended the supervisor's exit handling: no restart, no final exit
      Await.until(
          "the worker runs again",
          Workers.START,
          () -> worker.state() == WorkerState.RUNNING && worker.pid() != firstPid);
      assertThat(worker.service().add(1, 2)).isEqualTo(3);
      worker.close();
      assertThat(worker.onExit()).isDone();
    } finally {
      worker.kill();
    }
    assertThat(events)
        .extracting(WorkerEvent::state)
        .containsExactly(
            WorkerState.STARTING,
            WorkerState.RUNNING,
            WorkerState.EXITED,
            WorkerState.RESTARTING,
            WorkerState.STARTING,
            WorkerState.RUNNING,
            WorkerState.STOPPING,
            WorkerState.EXITED);
  }

  @Test
  void anErrorThrownByAStoppingListenerStillStopsTheWorker() {
    WorkerProcess<Calculator> worker =
        Workers.calculator("pipe")
            .listener(
                event -> {
                  if (event.state() == WorkerState.STOPPING) {
                    throw new AssertionError("a listener's assertion failed on " + event);
                  }
                })
            .start();
    long pid = worker.pid();
    try {
      // before, the Error came out of close() before the worker was asked to stop: it ran on
      worker.close();
      assertThat(worker.onExit()).isDone();
      assertThat(worker.state()).isEqualTo(WorkerState.EXITED);
      assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
    } finally {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }
}
