package org.witrpc.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A listener may close its worker: the call returns at once and no false event follows. */
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
}
