package org.witrpc.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.witrpc.spi.Connection;

/**
 * Callers sharing one connection wait through {@link PendingCall#await} and its {@link SpinTurns}:
 * at most the limit of them read the connection (spin) at a time, the others park, every caller
 * gets its own outcome, and a spinner that got its reply hands its turn to a parked caller.
 */
class SpinTurnsTest {
  private static final int CALLERS = 8;
  private static final long LONG_SPIN = TimeUnit.SECONDS.toNanos(20);
  private static final Duration AWAIT = Duration.ofSeconds(10);

  private final ReadingConnection connection = new ReadingConnection();
  private final List<PendingCall> calls = new ArrayList<>();
  private final AtomicReferenceArray<Object> outcomes = new AtomicReferenceArray<>(CALLERS);
  private final List<Thread> callers = new ArrayList<>();

  @AfterEach
  void completeEverything() throws InterruptedException {
    for (PendingCall call : calls) {
      call.complete(new IllegalStateException("test over"));
    }
    for (Thread caller : callers) {
      caller.join(AWAIT.toMillis());
    }
  }

  @Test
  void oneCallerSpinsTheOthersParkAndEachGetsItsOwnOutcome() throws Exception {
    SpinTurns turns = new SpinTurns(1);
    startCallers(turns, LONG_SPIN);
    await(
        "one caller reading, the others parked",
        () -> connection.inside.get() == 1 && parked() == CALLERS - 1);
    assertThat(turns.taken()).isEqualTo(1);

    for (int i = CALLERS - 1; i >= 0; i--) {
      calls.get(i).complete("reply " + i);
    }
    for (Thread caller : callers) {
      caller.join(AWAIT.toMillis());
    }
    for (int i = 0; i < CALLERS; i++) {
      assertThat(outcomes.get(i)).isEqualTo("reply " + i);
    }
    assertThat(connection.most.get()).as("callers reading the connection at once").isEqualTo(1);
    assertThat(turns.taken()).isZero();
    assertThat(turns.queued()).isZero();
  }

  @Test
  void theLimitAllowsAsManySpinnersAsItSays() {
    SpinTurns turns = new SpinTurns(3);
    startCallers(turns, LONG_SPIN);
    await(
        "three callers reading, the others parked",
        () -> connection.inside.get() == 3 && parked() == CALLERS - 3);
    assertThat(connection.most.get()).isEqualTo(3);
  }

  @Test
  void aSpinnerThatGotItsReplyHandsItsTurnToAParkedCaller() {
    SpinTurns turns = new SpinTurns(1);
    startCallers(turns, LONG_SPIN);
    await("one caller reading", () -> connection.inside.get() == 1 && parked() == CALLERS - 1);
    int spinner = connection.lastReader.get();

    calls.get(spinner).complete("reply");

    await(
        "another caller reading",
        () -> connection.entries.get() == 2 && connection.inside.get() == 1);
    assertThat(connection.lastReader.get()).isNotEqualTo(spinner);
    // the spinner hands its turn on before it returns and records what it got
    await("the spinner's own reply", () -> "reply".equals(outcomes.get(spinner)));
  }

  @Test
  void aSpinnerWhoseBudgetRanOutParksWithoutHandingItsTurnOn() {
    SpinTurns turns = new SpinTurns(1);
    startCallers(turns, TimeUnit.SECONDS.toNanos(2));
    await(
        "one caller reading, the others parked",
        () -> connection.inside.get() == 1 && parked() == CALLERS - 1);

    await("every caller parked", () -> parked() == CALLERS);

    assertThat(connection.entries.get()).as("callers that read the connection").isEqualTo(1);
    assertThat(turns.taken()).isZero();
  }

  private void startCallers(SpinTurns turns, long spinNanos) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    for (int i = 0; i < CALLERS; i++) {
      calls.add(new PendingCall(i, null));
    }
    for (int i = 0; i < CALLERS; i++) {
      int index = i;
      Thread caller =
          new Thread(
              () -> {
                connection.caller.set(index);
                outcomes.set(index, calls.get(index).await(connection, turns, spinNanos, deadline));
              },
              "caller-" + i);
      caller.setDaemon(true);
      callers.add(caller);
      caller.start();
    }
  }

  /** Callers parked in {@link PendingCall#await}. */
  private int parked() {
    int n = 0;
    for (int i = 0; i < callers.size(); i++) {
      Thread caller = callers.get(i);
      if (caller.getState() == Thread.State.TIMED_WAITING
          && LockSupport.getBlocker(caller) == calls.get(i)) {
        n++;
      }
    }
    return n;
  }

  private static void await(String what, BooleanSupplier condition) {
    RpcContractHarness.await(what, condition);
  }

  /** A connection whose {@link #readUntil} counts its callers and spins until they are done. */
  private static final class ReadingConnection implements Connection {
    final ThreadLocal<Integer> caller = new ThreadLocal<>();
    final AtomicInteger inside = new AtomicInteger();
    final AtomicInteger most = new AtomicInteger();
    final AtomicInteger entries = new AtomicInteger();
    final AtomicInteger lastReader = new AtomicInteger(-1);

    @Override
    public boolean readUntil(BooleanSupplier done, long deadlineNanos) {
      most.accumulateAndGet(inside.incrementAndGet(), Math::max);
      entries.incrementAndGet();
      lastReader.set(caller.get());
      try {
        while (!done.getAsBoolean()) {
          if (System.nanoTime() - deadlineNanos >= 0) {
            return false;
          }
          Thread.onSpinWait();
        }
        return true;
      } finally {
        inside.decrementAndGet();
      }
    }

    @Override
    public void send(ByteBuffer... parts) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}

    @Override
    public String description() {
      return "reading://test";
    }
  }
}
