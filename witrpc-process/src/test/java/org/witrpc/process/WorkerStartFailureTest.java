package org.witrpc.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.witrpc.testkit.Await;

/** A worker that does not start gives a clear error within the start timeout and leaves nothing. */
class WorkerStartFailureTest {
  private Set<Long> childrenBefore;

  @BeforeEach
  void rememberChildren() {
    childrenBefore = children();
  }

  @AfterEach
  void noProcessIsLeftBehind() {
    assertThat(children()).isSubsetOf(childrenBefore);
  }

  @Test
  void aMainClassThatDoesNotExist() {
    long t0 = System.nanoTime();
    assertThatThrownBy(
            () ->
                WorkerProcess.builder(Calculator.class)
                    .command(
                        JavaCommand.mainClass("org.witrpc.process.NoSuchMain", "target/classes"))
                    .jvmOptions(Workers.FAST_JVM)
                    .name("no-such-main")
                    .startTimeout(Workers.START)
                    .start())
        .isInstanceOf(WorkerStartException.class)
        .hasMessageContaining("worker no-such-main")
        .hasMessageContaining("exited with code 1 before it served")
        .hasMessageContaining("org.witrpc.process.NoSuchMain");
    System.out.printf("a missing main class was reported after %d ms%n", millisSince(t0));
  }

  @Test
  void aWorkerServingAnotherInterface() {
    assertThatThrownBy(
            () ->
                WorkerProcess.builder(Calculator.class)
                    .mainClass(BlockerWorker.class)
                    .jvmOptions(Workers.FAST_JVM)
                    .name("wrong-service")
                    .startTimeout(Workers.START)
                    .start())
        .isInstanceOf(WorkerStartException.class)
        .hasMessageContaining("worker wrong-service")
        .hasMessageContaining(
            "serves org.witrpc.process.Blocker but not org.witrpc.process.Calculator,"
                + " the interface it was started for");
  }

  @Test
  void aWorkerThatExitsAtOnce() {
    assertThatThrownBy(
            () ->
                WorkerProcess.builder(Calculator.class)
                    .mainClass(FailingMains.ExitsAtOnce.class)
                    .jvmOptions(Workers.FAST_JVM)
                    .startTimeout(Workers.START)
                    .start())
        .isInstanceOf(WorkerStartException.class)
        .hasMessageContaining("exited with code 3 before it served")
        .hasMessageContaining("[out] reading the configuration")
        .hasMessageContaining("[err] no configuration: giving up");
  }

  @Test
  void aWorkerThatNeverServes() {
    long t0 = System.nanoTime();
    assertThatThrownBy(
            () ->
                WorkerProcess.builder(Calculator.class)
                    .mainClass(FailingMains.NeverServes.class)
                    .jvmOptions(Workers.FAST_JVM)
                    .startTimeout(Duration.ofSeconds(3))
                    .start())
        .isInstanceOf(WorkerStartException.class)
        .hasMessageContaining("did not serve within the start timeout of PT3S")
        .hasMessageContaining("[out] thinking about serving, never will");
    long millis = millisSince(t0);
    System.out.printf("a worker that never serves was reported after %d ms%n", millis);
    assertThat(millis).as("the start timeout bounds the wait, generously").isLessThan(20_000);
  }

  @Test
  void anInterruptedStartEndsTheWorkerAndSaysSo() throws Exception {
    InterruptedStart starter =
        InterruptedStart.begin(
            "starter",
            () ->
                WorkerProcess.builder(Calculator.class)
                    .mainClass(FailingMains.NeverServes.class)
                    .jvmOptions(Workers.FAST_JVM)
                    .name("interrupted")
                    .startTimeout(Workers.START)
                    .start());
    Await.until("the worker's JVM started", () -> !childrenBefore.containsAll(children()));

    starter.interrupt();

    assertThat(starter.thrown())
        .isInstanceOf(WorkerStartException.class)
        .hasMessageContaining("worker interrupted")
        .hasMessageContaining("was interrupted before it served");
    assertThat(starter.interruptKept()).as("the starting thread's interrupt status kept").isTrue();
    starter.join();
  }

  @Test
  void aCommandThatCannotRun() {
    assertThatThrownBy(
            () ->
                WorkerProcess.builder(Calculator.class)
                    .commandLine(List.of("/nonexistent/java"))
                    .start())
        .isInstanceOf(WorkerStartException.class)
        .hasMessageContaining("cannot run /nonexistent/java");
  }

  private static Set<Long> children() {
    return ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
  }

  private static long millisSince(long t0) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
  }
}
