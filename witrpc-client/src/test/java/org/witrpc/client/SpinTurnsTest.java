package org.witrpc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
 * at most the limit of them read the connection at a time; the others wait without reading, a
 * platform thread without parking (a reply a reader delivers then needs no wake-up), a virtual
 * thread parked; every caller gets its own outcome, and a reader that got its reply leaves its turn
 * to a waiting caller.
 */
class SpinTurnsTest {
  private static final int CALLERS = 8;
  private static final long LONG_SPIN = TimeUnit.SECONDS.toNanos(20);
  private static final Duration AWAIT = Duration.ofSeconds(10);

  private final ReadingConnection connection = new ReadingConnection();
  private final List<PendingCall> calls = new ArrayList<>();
  private final AtomicReferenceArray<Object> outcomes = new AtomicReferenceArray<>(CALLERS);
  private final AtomicInteger waiting = new AtomicInteger();
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
  void oneCallerReadsTheOthersWaitUnparkedAndEachGetsItsOwnOutcome() throws Exception {
    SpinTurns turns = new SpinTurns(1);
    startCallers(turns, LONG_SPIN, CALLERS);
    await(
        "one caller reading, every caller waiting",
        () -> connection.inside.get() == 1 && waiting.get() == CALLERS);
    assertThat(turns.taken()).isEqualTo(1);
    assertThat(parked()).as("callers parked while the reader spins").isZero();

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
  void theLimitAllowsAsManyReadersAsItSays() {
    SpinTurns turns = new SpinTurns(3);
    startCallers(turns, LONG_SPIN, CALLERS);
    await(
        "three callers reading, every caller waiting",
        () -> connection.inside.get() == 3 && waiting.get() == CALLERS);
    assertThat(connection.most.get()).isEqualTo(3);
  }

  @Test
  void aReaderThatGotItsReplyLeavesItsTurnToAWaitingCaller() {
    SpinTurns turns = new SpinTurns(1);
    startCallers(turns, LONG_SPIN, CALLERS);
    await(
        "one caller reading, every caller waiting",
        () -> connection.inside.get() == 1 && waiting.get() == CALLERS);
    int reader = connection.lastReader.get();

    calls.get(reader).complete("reply");

    await(
        "another caller reading",
        () -> connection.entries.get() == 2 && connection.inside.get() == 1);
    assertThat(connection.lastReader.get()).isNotEqualTo(reader);
    await("the reader's own reply", () -> "reply".equals(outcomes.get(reader)));
  }

  @Test
  void callersWhoseBudgetRanOutPark() {
    SpinTurns turns = new SpinTurns(1);
    startCallers(turns, TimeUnit.SECONDS.toNanos(1), CALLERS);
    await("one caller reading", () -> connection.inside.get() == 1);

    await("every caller parked", () -> parked() == CALLERS);

    assertThat(connection.inside.get()).as("callers reading the connection").isZero();
    assertThat(turns.taken()).isZero();
    assertThat(turns.queued()).isZero();
  }

  @Test
  void aVirtualCallerWithoutATurnParksAndTakesTheTurnHandedOn() throws Exception {
    assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21");
    SpinTurns turns = new SpinTurns(1);
    startCallers(turns, LONG_SPIN, 1);
    await("the platform caller reading", () -> connection.inside.get() == 1);
    startVirtualCaller(turns, LONG_SPIN);
    await("the virtual caller parked", () -> parked() == 1 && turns.queued() == 1);

    calls.get(0).complete("reply");

    await(
        "the virtual caller reading",
        () -> connection.entries.get() == 2 && connection.inside.get() == 1);
    assertThat(connection.lastReader.get()).isEqualTo(1);
    calls.get(1).complete("virtual reply");
    callers.get(1).join(AWAIT.toMillis());
    assertThat(outcomes.get(1)).isEqualTo("virtual reply");
    assertThat(turns.queued()).isZero();
  }

  @Test
  void anInterruptedCallerThatWaitsUnparkedReturnsAtOnce() throws Exception {
    SpinTurns turns = new SpinTurns(1);
    startCallers(turns, LONG_SPIN, 2);
    await(
        "one caller reading, both waiting",
        () -> connection.inside.get() == 1 && waiting.get() == 2);
    int yielder = 1 - connection.lastReader.get();

    callers.get(yielder).interrupt();
    callers.get(yielder).join(AWAIT.toMillis());

    assertThat(callers.get(yielder).isAlive()).as("interrupted caller still waiting").isFalse();
    assertThat(outcomes.get(yielder)).isSameAs(PendingCall.INTERRUPTED);
  }

  @Test
  void aVirtualCallerThatLostAHandedOnTurnGetsTheNextOne() throws Exception {
    assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21");
    SpinTurns turns = new SpinTurns(1);
    startCallers(turns, LONG_SPIN, 2);
    await(
        "one platform caller reading, the other waiting",
        () -> connection.inside.get() == 1 && waiting.get() == 2);
    startVirtualCaller(turns, LONG_SPIN);
    int virtual = 2;
    await("the virtual caller queued", () -> parked() == 1 && turns.queued() == 1);

    // Each reply hands the turn on; the platform caller that still waits usually takes it first.
    // Whoever reads, the virtual caller must read before its own reply comes.
    for (int round = 0; round < 2 && connection.lastReader.get() != virtual; round++) {
      int reader = connection.lastReader.get();
      calls.get(reader).complete("reply " + reader);
      int entries = round + 2;
      await("the turn taken again", () -> connection.entries.get() == entries);
    }

    await(
        "the virtual caller reading",
        () -> connection.lastReader.get() == virtual && connection.inside.get() == 1);
  }

  private void startCallers(SpinTurns turns, long spinNanos, int count) {
    for (int i = 0; i < count; i++) {
      Thread caller = new Thread(callerTask(turns, spinNanos), "caller-" + i);
      caller.setDaemon(true);
      callers.add(caller);
      caller.start();
    }
  }

  private void startVirtualCaller(SpinTurns turns, long spinNanos) throws Exception {
    Thread caller =
        (Thread)
            Thread.class
                .getMethod("startVirtualThread", Runnable.class)
                .invoke(null, callerTask(turns, spinNanos));
    callers.add(caller);
  }

  /** A caller with the next index: registers its call and waits for it. */
  private Runnable callerTask(SpinTurns turns, long spinNanos) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    int index = calls.size();
    calls.add(new PendingCall(index, null));
    return () -> {
      connection.caller.set(index);
      waiting.incrementAndGet();
      outcomes.set(index, calls.get(index).await(connection, turns, spinNanos, deadline));
    };
  }

  /** Callers parked in {@link PendingCall#await}. */
  private int parked() {
    int n = 0;
    for (int i = 0; i < callers.size(); i++) {
      Thread caller = callers.get(i);
      Thread.State state = caller.getState();
      if ((state == Thread.State.TIMED_WAITING || state == Thread.State.WAITING)
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
      // The reader first and the entry count last: a test that sees the count sees its reader.
      lastReader.set(caller.get());
      most.accumulateAndGet(inside.incrementAndGet(), Math::max);
      entries.incrementAndGet();
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
