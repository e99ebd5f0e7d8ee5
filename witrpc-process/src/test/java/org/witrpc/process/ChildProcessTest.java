package org.witrpc.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A child JVM that is not a worker: its READY line, its stdin as the signal to end, kill. */
class ChildProcessTest {
  @TempDir Path logs;

  private WorkerOutput output(String to) {
    return to.equals("files") ? WorkerOutput.files(logs) : WorkerOutput.log();
  }

  private static JavaCommand untilStdinEnds(String... args) {
    return JavaCommand.mainClass(ChildMains.UntilStdinEnds.class)
        .jvmOptions(Workers.FAST_JVM)
        .args(args);
  }

  @ParameterizedTest(name = "output to the {0}")
  @ValueSource(strings = {"log", "files"})
  void awaitsItsReadyLineAndEndsWhenItsStdinIsClosed(String to) throws Exception {
    try (ChildProcess child =
        ChildProcess.start("child-" + to, untilStdinEnds("100"), output(to))) {
      String ready = child.awaitLine("READY ", Workers.START);
      assertThat(ready).isEqualTo("READY " + child.pid());
      assertThat(child.process().isAlive()).as("alive while its stdin is open").isTrue();

      assertThat(child.stop(Duration.ofSeconds(30))).hasValue(7);
      assertThat(child.outputTail()).contains("BYE").contains("waiting for the end of stdin");
    }
  }

  @ParameterizedTest(name = "output to the {0}")
  @ValueSource(strings = {"log", "files"})
  void findsItsLineAmongLargeOutputBeforeAndAfterIt(String to) throws Exception {
    int before = 200_000;
    int after = 5 * LaunchedProcess.CHILD_STDOUT_LINES;
    try (ChildProcess child =
        ChildProcess.start(
            "chatty-" + to,
            JavaCommand.mainClass(ChildMains.Chatty.class)
                .jvmOptions(Workers.FAST_JVM)
                .args(String.valueOf(before), String.valueOf(after)),
            output(to))) {
      assertThat(child.awaitLine("READY ", Workers.START)).isEqualTo("READY " + child.pid());
      assertThat(child.awaitLine("more chatter " + (after - 1), Workers.START))
          .as("the last line, after all the others")
          .isEqualTo("more chatter " + (after - 1));
    }
  }

  @Test
  void aLineOfAnEarlierRunInTheSameFileDoesNotCount() throws Exception {
    Files.writeString(logs.resolve("rerun.out"), "READY 1\n", StandardCharsets.UTF_8);
    try (ChildProcess child =
        ChildProcess.start(
            "rerun",
            JavaCommand.mainClass(FailingMains.ExitsAtOnce.class).jvmOptions(Workers.FAST_JVM),
            WorkerOutput.files(logs))) {
      assertThatThrownBy(() -> child.awaitLine("READY", Workers.START))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("rerun exited with code 3 before printing 'READY'")
          .hasMessageContaining("no configuration: giving up");
    }
  }

  @Test
  void aChildThatExitsFirstIsReportedWithItsOutput() throws Exception {
    try (ChildProcess child =
        ChildProcess.start(
            "exits",
            JavaCommand.mainClass(FailingMains.ExitsAtOnce.class).jvmOptions(Workers.FAST_JVM),
            WorkerOutput.log())) {
      assertThatThrownBy(() -> child.awaitLine("READY", Workers.START))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("exits exited with code 3 before printing 'READY'")
          .hasMessageContaining("[out] reading the configuration")
          .hasMessageContaining("[err] no configuration: giving up");
    }
  }

  @Test
  void aLineThatNeverComesTimesOut() throws Exception {
    try (ChildProcess child = ChildProcess.start("quiet", untilStdinEnds(), WorkerOutput.log())) {
      child.awaitLine("READY", Workers.START);
      assertThatThrownBy(() -> child.awaitLine("NEVER", Duration.ofMillis(200)))
          .isInstanceOf(TimeoutException.class)
          .hasMessageContaining("quiet did not print 'NEVER' within PT0.2S")
          .hasMessageContaining("[out] READY");
    }
  }

  @Test
  void aChildThatIgnoresItsStdinIsKilledAfterTheGrace() throws Exception {
    ChildProcess child =
        ChildProcess.start(
            "stubborn",
            JavaCommand.mainClass(ChildMains.IgnoresStdin.class).jvmOptions(Workers.FAST_JVM),
            WorkerOutput.log());
    child.awaitLine("READY", Workers.START);
    assertThat(child.stop(Duration.ofMillis(100))).isEmpty();
    assertThat(child.process().isAlive()).isFalse();
    child.close(); // idempotent
  }

  @Test
  void killEndsItAtOnce() throws Exception {
    ChildProcess child = ChildProcess.start("killed", untilStdinEnds(), WorkerOutput.log());
    child.awaitLine("READY", Workers.START);
    child.kill();
    assertThat(child.process().waitFor(0, TimeUnit.SECONDS)).isTrue();
    assertThat(child.process().exitValue()).isNotEqualTo(7);
  }

  @Test
  void aNameThatCannotNameAFileIsRefused() {
    assertThatThrownBy(() -> ChildProcess.start("../x", untilStdinEnds(), WorkerOutput.log()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid name '../x'");
  }
}
