package org.witrpc.server;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.internal.Threads;

/**
 * An executor in front of the server's own that keeps one worker warm: a task that finishes stays
 * on its thread for up to {@code spinNanos}, waiting for the next task, and the next {@link
 * #execute} hands its task straight to it, without the executor's queue and without waking a parked
 * thread. A hand-off to a parked pool thread costs a thread wake-up (7-30 us on small VMs), far
 * more than a quick method; the waiting worker takes the task within a microsecond.
 *
 * <p>A worker whose task came from a connection ({@link #execute(Runnable, Source)}) waits by
 * reading that connection itself ({@link Source#readUntil}, the transport's {@code
 * Connection.readUntil}): the next request's frame is read and dispatched on the worker's own
 * thread, and the dispatcher's {@code execute} hands the task back to it on the spot. So a
 * back-to-back request costs neither the wake-up of a pool thread nor the work of the connection's
 * own reader on another core. Only a task from the connection the worker reads is handed to it that
 * way; tasks of other connections go to the executor meanwhile. Where the transport cannot read on
 * the caller's thread, or its reader is busy, {@code readUntil} returns early and the worker spins
 * on its slot for the rest of its time instead, taking a task from any connection (and so it does
 * after a task that came without a connection, {@link #execute(Runnable)}, and on a virtual thread
 * of JDK 21-23, where an inline method blocking in {@code synchronized} would pin the carrier).
 *
 * <p>A transport may deliver more frames on the worker after the one that handed it its task (the
 * rest of a read round): until the worker has left its read, {@link #handedTaskWaitsOnThisThread}
 * tells the dispatcher so, which then gives a request among them to the executor instead of running
 * it inline ahead of the handed task.
 *
 * <p>Every task runs exactly once: the slot holds, in turn, nothing, the one waiting worker's mark
 * (a fresh object for every read, so a hand-off aimed at an earlier read fails its compare-and-set
 * and goes to the executor instead) and a handed task, which only the worker empties. Whatever ends
 * the worker's read (a task, its time, an exception thrown out of {@code readUntil}), it leaves the
 * slot by one compare-and-set, before anything else that could throw; if that fails a task was
 * handed to it, and it runs it. Each task starts with the interrupt status cleared, as on a pool
 * thread.
 *
 * <p>Bounded: at most one worker waits at a time (a worker that finds another waiting returns to
 * the executor at once), for at most {@code spinNanos} after its last task (its reading ends then
 * even while frames keep coming that are not for it; only a frame whose delivery blocks, as it
 * would block the connection's reader, holds it longer), yielding every few dozen iterations (a
 * platform thread only: {@link #yieldCore}); an idle server has no waiting thread. While the warm
 * worker runs a task, new tasks go to the executor as before, so a slow method delays no other.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class WarmHandOff implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(WarmHandOff.class);

  /** In the slot: a worker spins, waiting for a task from any source. */
  private static final Object WAITING = new Object();

  private static final int YIELD_EVERY = 64;

  /** How often a read's {@code done} looks at the clock. */
  private static final int CLOCK_EVERY = 64;

  /**
   * A connection whose frames a waiting worker may read itself, as {@code Connection.readUntil}:
   * delivering them to the connection's listener on the calling thread until {@code done} holds or
   * the deadline passes; false at once where it cannot.
   */
  @FunctionalInterface
  interface Source {
    /**
     * @return true if {@code done} returned true
     */
    boolean readUntil(BooleanSupplier done, long deadlineNanos);
  }

  /**
   * Gives the core to another thread for a moment ({@link Thread#yield()}) on a platform thread; on
   * a virtual thread does nothing. There a yield only unmounts the thread and submits it to its
   * scheduler again, which wakes an idle carrier thread (a thread wake-up per yield, the very cost
   * a spin is there to save), and frees no core for the machine's other threads; the spin is
   * bounded anyway.
   */
  private static void yieldCore() {
    if (Threads.isPlatform()) {
      Thread.yield();
    }
  }

  /** Virtual threads stop pinning their carrier in {@code synchronized} from this release on. */
  private static final int NO_PINNING_FROM = 24;

  /**
   * Whether this worker may read its connection itself. Delivering frames may run a user's inline
   * method; on a virtual thread of JDK 21-23 a method that blocks inside {@code synchronized} pins
   * the carrier it runs on (the transports' own readers are platform threads for that reason), so
   * there the worker only spins on its slot.
   */
  private static boolean mayReadOnThisThread() {
    return Threads.isPlatform() || Runtime.version().feature() >= NO_PINNING_FROM;
  }

  private final Executor executor;
  private final long spinNanos;

  /**
   * Empty: no worker waits; {@link #WAITING}: one spins; a {@link Reading}: one reads its source; a
   * {@link Runnable} or {@link Sourced}: handed to it, not yet taken.
   */
  private final AtomicReference<Object> slot = new AtomicReference<>();

  /** The read in progress, while a worker reads its source; written by that worker only. */
  private volatile Reading activeRead;

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
    execute(task, null);
  }

  /**
   * Hands {@code task}, read from {@code source}, to the warm worker if it spins or reads that
   * source, else to the executor; the worker that runs it reads {@code source} afterwards.
   *
   * @param source the connection the task came from, or null
   * @throws java.util.concurrent.RejectedExecutionException if the executor refuses it
   */
  void execute(Runnable task, Source source) {
    Object waiting = slot.get();
    if (waiting == WAITING) {
      if (slot.compareAndSet(WAITING, source == null ? task : new Sourced(task, source))) {
        return;
      }
    } else if (waiting instanceof Reading r && r.source == source && source != null) {
      if (slot.compareAndSet(r, task)) {
        return; // the reader knows the source
      }
    }
    executor.execute(new Worker(task, source));
  }

  /**
   * Whether the calling thread is the warm worker, reading its connection, and has been handed a
   * task it has not yet run. A transport may deliver further frames on that thread before it lets
   * the worker go (a read round of several frames, frames buffered with the one that carried the
   * task): a request among them must then not run inline, where it would run before the handed task
   * (a slow one holding it up, one that waits for the handed task never ending); the dispatcher
   * gives it to the executor instead.
   */
  boolean handedTaskWaitsOnThisThread() {
    Reading r = activeRead;
    return r != null && r.thread == Thread.currentThread() && slot.get() != r;
  }

  /** Whether a worker waits for a task now, spinning or reading (for tests). */
  boolean isSpinning() {
    Object s = slot.get();
    return s == WAITING || s instanceof Reading;
  }

  /** A task handed to a spinning worker, with the source the worker reads after it. */
  private record Sourced(Runnable task, Source source) {}

  /**
   * The slot's mark while a worker reads {@link #source}, made afresh for every read; {@code done}
   * for {@link Source#readUntil}: a task was handed over, or the worker's time is up. Called by the
   * reading thread only.
   */
  private final class Reading implements BooleanSupplier {
    final Source source;
    final Thread thread = Thread.currentThread();
    private final long deadlineNanos;
    private int checks;

    Reading(Source source, long deadlineNanos) {
      this.source = source;
      this.deadlineNanos = deadlineNanos;
    }

    @Override
    public boolean getAsBoolean() {
      // the clock too, every CLOCK_EVERY calls: a transport reads on while frames keep coming
      // (frames of other calls, run inline or handed to the executor), past the deadline. Not on
      // every call: on a busy machine the slightly longer read catches more next requests (with
      // the clock on every call, back-to-back EXECUTOR calls over mmf had more server switches in
      // three of four alternating ProfileLoop pairs: 0.13-0.33 per call against 0.03-0.05); the
      // overrun is bounded by CLOCK_EVERY read rounds, frames the connection's reader would
      // otherwise deliver in the same way.
      return slot.get() != this
          || (++checks % CLOCK_EVERY == 0 && System.nanoTime() - deadlineNanos >= 0);
    }
  }

  /**
   * A worker of the executor: runs its task, then the tasks handed to it while it stays warm.
   *
   * <p>Thread safety: confined to the executor's thread that runs it.
   */
  private final class Worker implements Runnable {
    private Runnable task;
    private Source source;

    Worker(Runnable task, Source source) {
      this.task = task;
      this.source = source;
    }

    @Override
    public void run() {
      while (task != null) {
        Runnable next = task;
        task = null;
        // as a pool thread starts every task: an interrupt left by the last one, or by a frame
        // this worker delivered (user code), must not reach this one
        Thread.interrupted();
        next.run();
        awaitNext();
      }
    }

    /** Waits for the next task if no other worker does; leaves {@link #task} null if none came. */
    private void awaitNext() {
      if (spinNanos <= 0) {
        return;
      }
      long deadline = System.nanoTime() + spinNanos;
      if (source == null || !mayReadOnThisThread()) {
        if (slot.compareAndSet(null, WAITING)) {
          spin(deadline);
        }
        return;
      }
      Reading reading = new Reading(source, deadline);
      if (!slot.compareAndSet(null, reading)) {
        return;
      }
      Throwable failure = null;
      activeRead = reading;
      try {
        // the worker reads as the connection's reader would: a listener's interrupt left by the
        // task just run must not reach the frames it delivers
        Thread.interrupted();
        source.readUntil(reading, deadline);
      } catch (Throwable t) {
        failure = t; // the transport has closed the connection or will
      } finally {
        activeRead = null;
      }
      // Read nothing (the transport cannot, or its reader is busy): spin for the rest of the time,
      // so the reader can hand the next task over. Else withdraw, unless a task was handed to us.
      // Nothing on this path throws before the slot is left: a task handed to us is always run.
      boolean spinRest = failure == null && System.nanoTime() - deadline < 0;
      if (!slot.compareAndSet(reading, spinRest ? WAITING : null)) {
        task = (Runnable) slot.get(); // handed while we read: from our source
        slot.set(null); // only this worker empties a handed task
        spinRest = false;
      }
      if (failure != null) {
        logReadFailure(failure);
      }
      if (spinRest) {
        spin(deadline);
      }
    }

    /** Logs a failed read; a logger that throws (out of memory, say) must not end the worker. */
    private void logReadFailure(Throwable failure) {
      try {
        LOG.warn("reading a connection on a warm worker failed", failure);
      } catch (Throwable ignored) {
        // nothing better to do: the task, if any, still runs
      }
    }

    /** Spins with {@link #WAITING} in the slot until a task is handed over or the deadline. */
    private void spin(long deadline) {
      for (int i = 1; ; i++) {
        Object handed = slot.get();
        if (handed != WAITING) {
          take(handed);
          return;
        }
        if (i % YIELD_EVERY == 0) {
          if (System.nanoTime() - deadline >= 0 && slot.compareAndSet(WAITING, null)) {
            return;
          }
          yieldCore();
        } else {
          Thread.onSpinWait();
        }
      }
    }

    /** Takes a task handed to the spinning worker, and the source it came from. */
    private void take(Object handed) {
      slot.set(null); // only this worker empties a handed task
      if (handed instanceof Sourced s) {
        task = s.task();
        source = s.source();
      } else {
        task = (Runnable) handed;
        source = null;
      }
    }
  }
}
