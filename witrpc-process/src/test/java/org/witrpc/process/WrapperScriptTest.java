package org.witrpc.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.witrpc.WitTransportException;

/**
 * A worker started through a wrapper script ({@code /bin/sh} starting the JVM): the host ends the
 * JVM too, and never lets two JVMs serve one address.
 */
class WrapperScriptTest {
  private final String marker = Workers.marker();

  @AfterEach
  void noJvmIsLeftBehind() throws InterruptedException {
    try {
      assertThat(Workers.awaitNoJvmWith(marker)).as("the wrapper's JVM is gone").isTrue();
    } finally {
      Workers.killJvmsWith(marker);
    }
  }

  @Test
  void aStartTimeoutEndsTheWrappersJvmToo() throws Exception {
    assertThatThrownBy(
            () ->
                WorkerProcess.builder(Calculator.class)
                    .commandLine(Workers.wrapperScript(FailingMains.NeverServes.class, marker))
                    .startTimeout(Duration.ofSeconds(3))
                    .start())
        .isInstanceOf(WorkerStartException.class)
        .hasMessageContaining("did not serve within the start timeout");
    assertThat(Workers.awaitNoJvmWith(marker)).as("no JVM outlives a failed start").isTrue();
  }

  @Test
  void aKilledWrapperTakesItsJvmAlongBeforeTheRestart() throws Exception {
    try (WorkerProcess<Calculator> worker =
        WorkerProcess.builder(Calculator.class)
            .commandLine(Workers.wrapperScript(CalculatorWorker.class, marker))
            .startTimeout(Workers.START)
            .restartPolicy(RestartPolicy.exponential(Duration.ofMillis(50), Duration.ofSeconds(1)))
            .start()) {
      Calculator calc = worker.service();
      long firstJvm = calc.pid();
      long firstWrapper = worker.pid();
      assertThat(firstJvm).isNotEqualTo(firstWrapper);

      ProcessHandle.of(firstWrapper).orElseThrow().destroyForcibly();

      long secondJvm = awaitAnswerFromOtherThan(calc, firstJvm);
      assertThat(worker.pid()).isNotEqualTo(firstWrapper);
      assertThat(Workers.jvmsWith(marker))
          .as("one JVM serves the address: the restarted one")
          .extracting(ProcessHandle::pid)
          .containsExactly(secondJvm);
    }
    assertThat(Workers.awaitNoJvmWith(marker)).as("close() ends the wrapper's JVM").isTrue();
  }

  /** Calls until a JVM other than {@code oldPid} answers; bounded. */
  private static long awaitAnswerFromOtherThan(Calculator calc, long oldPid)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() - deadline < 0) {
      try {
        long pid = calc.pid();
        if (pid != oldPid) {
          return pid;
        }
        TimeUnit.MILLISECONDS.sleep(20); // the old JVM still answers: not for long, or a bug
      } catch (WitTransportException lostWhileDying) {
        // the host noticed the death; calls now wait for the restart
      }
    }
    throw new AssertionError("no new JVM answered; the old one " + oldPid + " still did");
  }
}
