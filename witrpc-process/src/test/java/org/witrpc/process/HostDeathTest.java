package org.witrpc.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A worker whose host is killed with -9 exits within a bound and leaves no files. */
class HostDeathTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"mmf", "pipe"})
  void theWorkerExitsWhenItsHostIsKilled(String transport) throws Exception {
    ChildProcess host =
        ChildProcess.start(
            "host-" + transport,
            JavaCommand.mainClass(HostMain.class).jvmOptions(Workers.FAST_JVM).args(transport),
            WorkerOutput.log());
    try {
      String line = host.awaitLine("WORKER ", Workers.START);
      String[] parts = line.split(" ");
      ProcessHandle worker = ProcessHandle.of(Long.parseLong(parts[1])).orElseThrow();
      String name = parts[2].substring(parts[2].indexOf("://") + 3).split("\\?")[0];
      assertThat(Workers.runtimeFiles(name)).isNotEmpty();

      long t0 = System.nanoTime();
      host.kill();
      // the worker is not our child: poll (ProcessHandle.onExit would poll every 300 ms or more)
      long deadline = t0 + TimeUnit.SECONDS.toNanos(30);
      while (Liveness.isRunning(worker) && System.nanoTime() - deadline < 0) {
        Thread.onSpinWait();
        TimeUnit.MILLISECONDS.sleep(2);
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      System.out.printf(
          "%s: the worker exited %d ms after its host's kill -9%n", transport, millis);
      assertThat(millis).as("generous bound; the target is under 1 s").isLessThan(10_000);
      assertThat(Workers.runtimeFiles(name)).as("the worker removed its socket").isEmpty();
    } finally {
      host.kill();
      ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
    }
  }
}
