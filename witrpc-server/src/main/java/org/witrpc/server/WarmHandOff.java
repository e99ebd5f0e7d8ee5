package org.witrpc.server;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An executor in front of the server's own that keeps one worker warm: a task that finishes stays
 * on its thread for up to {@code spinNanos}, spinning for the next task, and the next {@link
 * #execute} hands its task straight to it, without the executor's queue and without waking a parked
 * thread. A hand-off to a parked pool thread costs a thread wake-up (7-30 us on small VMs), far
 * more than a quick method; the spinning worker takes the task within a microsecond.
 *
 * <p>Bounded: at most one thread spins at a time (a worker that finds another spinning returns to
 * the executor at once), for at most {@code spinNanos} after its last task, yielding every few
 * dozen iterations; an idle server has no spinning thread. While the warm worker runs a task, new
 * tasks go to the executor as before, so a slow method delays no other.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class WarmHandOff implements Executor {
  /** In the slot: a worker spins, waiting for a task. */
  private static final Runnable WAITING = () -> {};

  private static final int YIELD_EVERY = 64;

  private final Executor executor;
  private final long spinNanos;

  /** Empty: no worker waits; {@link #WAITING}: one does; a task: handed to it, not yet taken. */
  private final AtomicReference<Runnable> slot = new AtomicReference<>();

  WarmHandOff(Executor executor, long spinNanos) {
    this.executor = executor;
    this.spinNanos = spinNanos;
  }

  /**
   * Hands {@code task} to the spinning worker if there is one, else to the executor.
   *
   * @throws java.util.concurrent.RejectedExecutionException if the executor refuses it
   */
  @Override
  public void execute(Runnable task) {
    if (slot.get() == WAITING && slot.compareAndSet(WAITING, task)) {
      return;
    }
    executor.execute(() -> runThenStayWarm(task));
  }

  private void runThenStayWarm(Runnable task) {
    Runnable next = task;
    do {
      next.run();
      next = awaitNext();
    } while (next != null);
  }

  /** Spins for the next task if no other worker does; null when none came in time. */
  private Runnable awaitNext() {
    if (spinNanos <= 0 || !slot.compareAndSet(null, WAITING)) {
      return null;
    }
    long start = System.nanoTime();
    for (int i = 1; ; i++) {
      Runnable handed = slot.get();
      if (handed != WAITING) {
        slot.set(null); // only this worker empties a handed task
        return handed;
      }
      if (i % YIELD_EVERY == 0) {
        if (System.nanoTime() - start >= spinNanos && slot.compareAndSet(WAITING, null)) {
          return null;
        }
        Thread.yield();
      } else {
        Thread.onSpinWait();
      }
    }
  }

  /** Whether a worker spins for a task now (for tests). */
  boolean isSpinning() {
    return slot.get() == WAITING;
  }
}
