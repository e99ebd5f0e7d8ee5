package org.witrpc.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.witrpc.Serializers;

class WorkerProcessTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"mmf", "pipe"})
  void startsCallsAndStopsAWorker(String transport) throws Exception {
    List<WorkerState> states = new CopyOnWriteArrayList<>();
    WorkerProcess<Calculator> worker =
        Workers.calculator(transport).listener(e -> states.add(e.state())).start();
    String name = Workers.transportName(worker);
    ProcessHandle process = ProcessHandle.of(worker.pid()).orElseThrow();
    try {
      assertThat(worker.state()).isEqualTo(WorkerState.RUNNING);
      assertThat(worker.address()).startsWith(transport + "://wk-");
      assertThat(worker.service().add(2, 3)).isEqualTo(5);
      assertThat(worker.service().pid()).isEqualTo(worker.pid());
      assertThat(process.info().commandLine().orElse(""))
          .as("the address and token travel in the environment, not on the command line")
          .doesNotContain(name)
          .doesNotContain("WITRPC");
    } finally {
      worker.close();
    }
    assertThat(process.isAlive()).isFalse();
    assertThat(worker.onExit().get(0, TimeUnit.SECONDS)).as("exit code").isZero();
    assertThat(worker.state()).isEqualTo(WorkerState.EXITED);
    assertThat(states)
        .containsExactly(
            WorkerState.STARTING, WorkerState.RUNNING, WorkerState.STOPPING, WorkerState.EXITED);
    assertThat(Workers.runtimeFiles(name)).isEmpty();
    worker.close(); // idempotent
  }

  @Test
  void speaksMessagePackWithoutEncryptionWhenAsked() {
    try (WorkerProcess<Calculator> worker =
        Workers.calculator("mmf?size=1MiB")
            .serializer(Serializers.messagePack())
            .encryption(false)
            .start()) {
      assertThat(worker.service().add(40, 2)).isEqualTo(42);
    }
  }

  @Test
  void writesTheWorkersOutputToFilesWhenAsked(@TempDir Path dir) throws Exception {
    WorkerProcess<Calculator> worker =
        Workers.calculator("pipe").name("files-worker").output(WorkerOutput.files(dir)).start();
    long pid = worker.pid();
    worker.close();
    assertThat(Files.readString(dir.resolve("files-worker.out")))
        .contains("calculator worker " + pid + " on stdout")
        .contains("calculator worker " + pid + " ends");
    assertThat(Files.readString(dir.resolve("files-worker.err")))
        .contains("calculator worker " + pid + " on stderr");
  }

  @Test
  void killEndsTheWorkerAtOnceAndRemovesItsFiles() throws Exception {
    WorkerProcess<Calculator> worker = Workers.calculator("mmf").start();
    String name = Workers.transportName(worker);
    worker.kill();
    assertThat(worker.onExit().get(0, TimeUnit.SECONDS)).isEqualTo(137);
    assertThat(ProcessHandle.of(worker.pid()).map(ProcessHandle::isAlive))
        .isNotEqualTo(java.util.Optional.of(true));
    assertThat(Workers.runtimeFiles(name)).isEmpty();
  }

  @Test
  void aWorkerThatIgnoresTheStopRequestIsKilledAfterTheGrace() throws Exception {
    WorkerProcess<Calculator> worker =
        Workers.calculator("pipe").callTimeout(Duration.ofSeconds(60)).start();
    Thread busy =
        new Thread(
            () -> {
              try {
                worker.service().sleep(60_000);
              } catch (RuntimeException expected) {
                // the worker is killed under the call
              }
            });
    busy.start();
    long t0 = System.nanoTime();
    worker.stop(Duration.ofMillis(500));
    busy.join(10_000);
    assertThat(busy.isAlive()).isFalse();
    assertThat(worker.onExit().isDone()).isTrue();
    System.out.printf(
        "stop with a 500 ms grace and a busy worker took %d ms%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
  }
}
