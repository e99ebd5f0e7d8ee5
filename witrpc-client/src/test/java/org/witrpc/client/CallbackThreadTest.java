package org.witrpc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.witrpc.testkit.Conditions;

/**
 * The callback thread: runs tasks in order, spins for the next one (reading its connection
 * meanwhile) and then parks (an idle client burns no CPU), refuses tasks after shutdown and ends.
 * No timing is asserted: "parks" means its state becomes WAITING within a generous deadline.
 */
class CallbackThreadTest {
  /** Every thread a test made, shut down after it even when the test failed half-way. */
  private final List<CallbackThread> made = new CopyOnWriteArrayList<>();

  @AfterEach
  void shutDownWhatTheTestMade() throws InterruptedException {
    for (CallbackThread callbacks : made) {
      callbacks.shutdown();
      callbacks.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private CallbackThread made(CallbackThread callbacks) {
    made.add(callbacks);
    return callbacks;
  }

  private static final Duration DEADLINE = Duration.ofSeconds(10);

  @Test
  void runsTasksInOrderThenParksWhenIdle() throws Exception {
    CallbackThread callbacks = made(new CallbackThread());
    List<Integer> ran = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(100);
    for (int i = 0; i < 100; i++) {
      int n = i;
      callbacks.execute(
          () -> {
            ran.add(n);
            done.countDown();
          });
    }
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(ran).isSorted().hasSize(100);
    Thread worker = callbacks.threadForTests();
    assertThat(worker.getName()).startsWith("witrpc-callbacks-");

    Conditions.await(
        () -> worker.getState() == Thread.State.WAITING,
        DEADLINE,
        "the idle callback thread to park");

    // woken from its park by the next task
    CountDownLatch again = new CountDownLatch(1);
    callbacks.execute(again::countDown);
    assertThat(again.await(10, TimeUnit.SECONDS)).isTrue();
    callbacks.shutdown();
    assertThat(callbacks.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    worker.join(TimeUnit.SECONDS.toMillis(10)); // terminated is counted down just before it ends
    assertThat(worker.isAlive()).isFalse();
  }

  @Test
  void aTaskThatLeavesTheInterruptSetDoesNotKeepTheThreadSpinning() throws Exception {
    CallbackThread callbacks = made(new CallbackThread());
    CountDownLatch ran = new CountDownLatch(1);
    callbacks.execute(
        () -> {
          Thread.currentThread().interrupt();
          ran.countDown();
        });
    assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
    Thread worker = callbacks.threadForTests();

    Conditions.await(
        () -> worker.getState() == Thread.State.WAITING, DEADLINE, "the callback thread to park");
    callbacks.shutdown();
  }

  @Test
  void shutdownRunsWhatWasGivenThenRefusesAndEnds() throws Exception {
    CallbackThread callbacks = made(new CallbackThread());
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch second = new CountDownLatch(1);
    callbacks.execute(
        () -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    callbacks.execute(second::countDown);

    callbacks.shutdown();
    assertThatThrownBy(() -> callbacks.execute(() -> {}))
        .isInstanceOf(RejectedExecutionException.class);
    release.countDown();

    assertThat(second.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(callbacks.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void shutdownBeforeAnyTaskStartsNoThread() throws Exception {
    CallbackThread callbacks = made(new CallbackThread());
    callbacks.shutdown();

    assertThat(callbacks.awaitTermination(1, TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(() -> callbacks.execute(() -> {}))
        .isInstanceOf(RejectedExecutionException.class);
    assertThat(callbacks.threadForTests()).isNull();
  }

  @Test
  void spinsTwiceTheIdleTimeBeforeTheLastTaskWithinItsBounds() {
    assertThat(CallbackThread.spinAfterIdle(0)).isEqualTo(CallbackThread.SPIN_NANOS);
    assertThat(CallbackThread.spinAfterIdle(5_000)).isEqualTo(CallbackThread.SPIN_NANOS);
    assertThat(CallbackThread.spinAfterIdle(50_000)).isEqualTo(100_000);
    assertThat(CallbackThread.spinAfterIdle(CallbackThread.MAX_SPIN_NANOS))
        .isEqualTo(CallbackThread.MAX_SPIN_NANOS);
    // events that no longer follow each other closely: back to the short spin
    assertThat(CallbackThread.spinAfterIdle(CallbackThread.MAX_SPIN_NANOS + 1))
        .isEqualTo(CallbackThread.SPIN_NANOS);
  }

  @Test
  void readsItsConnectionWhileIdleAndRunsWhatTheReadDelivered() throws Exception {
    AtomicReference<CallbackThread> self = new AtomicReference<>();
    AtomicReference<Thread> readBy = new AtomicReference<>();
    List<Integer> ran = new CopyOnWriteArrayList<>();
    CountDownLatch delivered = new CountDownLatch(1);
    CallbackThread.SpinReader reader =
        (done, deadline) -> {
          if (readBy.compareAndSet(null, Thread.currentThread())) {
            // a frame read here: the transport hands it to the listener on this thread
            self.get().execute(() -> ran.add(2));
            self.get().execute(delivered::countDown);
          }
          while (!done.getAsBoolean() && System.nanoTime() - deadline < 0) {
            Thread.onSpinWait();
          }
          return done.getAsBoolean();
        };
    CallbackThread callbacks = made(new CallbackThread(reader, new Semaphore(1)));
    self.set(callbacks);
    callbacks.execute(() -> ran.add(1));

    assertThat(delivered.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(readBy.get()).isSameAs(callbacks.threadForTests());
    assertThat(ran).containsExactly(1, 2);
    callbacks.shutdown();
    assertThat(callbacks.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aReadThatThrowsLeavesTheThreadServing() throws Exception {
    AtomicInteger reads = new AtomicInteger();
    CallbackThread callbacks =
        made(
            new CallbackThread(
                (done, deadline) -> {
                  reads.incrementAndGet();
                  throw new IllegalStateException("reader failed");
                },
                new Semaphore(1)));
    CountDownLatch first = new CountDownLatch(1);
    callbacks.execute(first::countDown);
    assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
    Conditions.await(() -> reads.get() > 0, DEADLINE, "the idle thread to read");

    CountDownLatch second = new CountDownLatch(1);
    callbacks.execute(second::countDown);
    assertThat(second.await(10, TimeUnit.SECONDS)).isTrue();
    callbacks.shutdown();
  }

  @Test
  void noTaskIsLostWhateverPointOfItsSpinOrParkItComesAt() throws Exception {
    CallbackThread callbacks =
        made(new CallbackThread(CallbackThread.SpinReader.NONE, new Semaphore(1)));
    List<Integer> ran = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      CountDownLatch done = new CountDownLatch(1);
      int n = i;
      callbacks.execute(
          () -> {
            ran.add(n);
            done.countDown();
          });
      assertThat(done.await(10, TimeUnit.SECONDS)).as("task %d", i).isTrue();
      // the next task comes 0 to ~250 us later: in the spin, at its end, or while it parks
      long pause = (i % 50) * 5_000L;
      for (long start = System.nanoTime(); System.nanoTime() - start < pause; ) {
        Thread.onSpinWait();
      }
    }
    assertThat(ran).isSorted().hasSize(2_000);
    callbacks.shutdown();
    assertThat(callbacks.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  /** A reader as a transport that reads on the calling thread has it: busy until done or due. */
  private static final CallbackThread.SpinReader READS_UNTIL_DEADLINE =
      (done, deadline) -> {
        while (!done.getAsBoolean() && System.nanoTime() - deadline < 0) {
          Thread.onSpinWait();
        }
        return done.getAsBoolean();
      };

  @Test
  void whereTheTransportCannotReadOnTheThreadItStopsSpinningLong() throws Exception {
    AtomicInteger longSpins = new AtomicInteger();
    Semaphore slots =
        new Semaphore(1) {
          private static final long serialVersionUID = 1L;

          @Override
          public boolean tryAcquire() {
            boolean taken = super.tryAcquire();
            if (taken) {
              longSpins.incrementAndGet();
            }
            return taken;
          }
        };
    CallbackThread callbacks = made(new CallbackThread(CallbackThread.SpinReader.NONE, slots));
    // 2,000 tasks some 50 us apart, each of which would earn a long spin where the thread can read
    for (int i = 0; i < 2_000; i++) {
      CountDownLatch done = new CountDownLatch(1);
      callbacks.execute(done::countDown);
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
      for (long start = System.nanoTime(); System.nanoTime() - start < 50_000; ) {
        Thread.onSpinWait();
      }
    }
    // the first few, until the reader has shown a few times that it cannot read here
    assertThat(longSpins.get()).isLessThanOrEqualTo(10);
  }

  @Test
  void aLongSpinTakesASlotAndGivesItBackWhenTheThreadParks() throws Exception {
    Semaphore slots = new Semaphore(1);
    CallbackThread callbacks = made(new CallbackThread(READS_UNTIL_DEADLINE, slots));
    try {
      // tasks some 50 us apart (given in a tight loop: a condition poll's pause between two would
      // be longer than any spin): the thread learns to spin about twice that, with the slot taken
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      boolean taken = false;
      while (!taken && System.nanoTime() - deadline < 0) {
        callbacks.execute(() -> {});
        long start = System.nanoTime();
        while (!taken && System.nanoTime() - start < 50_000) {
          taken = slots.availablePermits() == 0;
          Thread.onSpinWait();
        }
      }
      assertThat(taken).as("a long spin between tasks that keep coming").isTrue();

      Thread worker = callbacks.threadForTests();
      Conditions.await(
          () -> worker.getState() == Thread.State.WAITING && slots.availablePermits() == 1,
          DEADLINE,
          "the idle thread to park and give its slot back");
    } finally {
      callbacks.shutdown();
    }
    assertThat(callbacks.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }
}
