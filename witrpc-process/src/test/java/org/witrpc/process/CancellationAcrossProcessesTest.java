package org.witrpc.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.witrpc.WitTimeoutException;

/**
 * A caller that gives up on a call to a worker JVM (its timeout passes, its future is cancelled)
 * interrupts the worker's method within a bounded time, and the worker serves on. Prints how long
 * the interrupt took, measured two ways: by the wall clocks of both JVMs (one machine, one clock),
 * and as seen by the host, up to the reply of its probe call (an upper bound).
 */
class CancellationAcrossProcessesTest {
  /** How long the worker's method may take to see its interrupt (generous: 2 shared cores). */
  private static final Duration INTERRUPT_BOUND = Duration.ofSeconds(10);

  /** How long one probe call waits on the worker; well within the shortest call timeout. */
  private static final long PROBE_MILLIS = 250;

  private static WorkerProcessBuilder<Blocker> blocker(String transport) {
    return WorkerProcess.builder(Blocker.class)
        .mainClass(BlockerWorker.class)
        .jvmOptions(Workers.FAST_JVM)
        .transport(transport)
        .startTimeout(Workers.START);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"mmf", "pipe"})
  void aCallTimeoutInterruptsTheWorkersMethod(String transport) {
    try (WorkerProcess<Blocker> worker =
        blocker(transport).callTimeout(Duration.ofSeconds(1)).start()) {
      Blocker blocker = worker.service();
      assertThat(blocker.pid()).isEqualTo(worker.pid()); // a warm connection before timing

      assertThatThrownBy(() -> blocker.block("timeout")).isInstanceOf(WitTimeoutException.class);
      // the client sends CANCEL before it wakes its caller: the worker may be interrupted
      // (slightly) before this instant, and the printed wall-clock latency negative
      long gaveUp = epochMicros();

      assertInterruptedAndServingOn(worker, "timeout", gaveUp, transport + ", call timeout");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"mmf", "pipe"})
  void cancellingTheFutureInterruptsTheWorkersMethod(String transport) {
    try (WorkerProcess<Blocker> worker = blocker(transport).start()) {
      Blocker blocker = worker.service();
      CompletableFuture<String> future = blocker.blockAsync("future");
      assertThat(blocker.awaitStarted("future", INTERRUPT_BOUND.toMillis()))
          .as("the worker's method started")
          .isTrue();

      long gaveUp = epochMicros();
      assertThat(future.cancel(true)).isTrue();

      assertInterruptedAndServingOn(worker, "future", gaveUp, transport + ", future.cancel(true)");
    }
  }

  /**
   * Asserts that call {@code id} of {@code worker} ended interrupted and cancelled within {@link
   * #INTERRUPT_BOUND} of {@code gaveUp}, prints how long that took, and asserts that the worker
   * still answers.
   */
  private static void assertInterruptedAndServingOn(
      WorkerProcess<Blocker> worker, String id, long gaveUp, String what) {
    Blocker blocker = worker.service();
    long bound = System.nanoTime() + INTERRUPT_BOUND.toNanos();
    String ending = blocker.awaitEnding(id, PROBE_MILLIS);
    while (ending.equals("running") && System.nanoTime() - bound < 0) {
      ending = blocker.awaitEnding(id, PROBE_MILLIS);
    }
    long hostSaw = epochMicros();
    assertThat(ending).as("how the worker's method ended").isEqualTo("interrupted, cancelled=true");

    System.out.printf(
        "cancel over %s: worker method interrupted %d us after the caller gave up"
            + " (wall clocks of both JVMs); the host knew it %d us after%n",
        what, blocker.endedAtEpochMicros(id) - gaveUp, hostSaw - gaveUp);
    assertThat(blocker.pid()).as("the worker serves on").isEqualTo(worker.pid());
    assertThat(worker.isServing()).isTrue();
    assertThat(worker.pendingCalls()).as("calls left waiting on the host").isZero();
  }

  private static long epochMicros() {
    return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
  }
}
