package org.witrpc.client;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's serial callback thread {@code witrpc-callbacks-N}: runs the tasks given to
 * {@link #execute} one at a time, in order. When it runs out of tasks it spins for the next one
 * before it parks (as a caller spins for its reply), so an event that follows another closely costs
 * no thread wake-up; an idle thread is parked, using no CPU. The thread is started by the first
 * task.
 *
 * <p>The spin is measured against the time between tasks: {@link #SPIN_NANOS}, or twice the idle
 * time before the last task if that was at most {@link #MAX_SPIN_NANOS} (events that keep coming,
 * each asked for by a call, say), but never longer than that. A spin longer than {@link
 * #SPIN_NANOS} needs one of the process's long-spin slots (the cores less one, at least one), so
 * the callback threads of many connections never spin long on more cores than that. While it spins,
 * the thread reads its connection itself where the transport lets it ({@link SpinReader}, {@code
 * Connection.readUntil}): the next event's frame then needs no other thread either.
 *
 * <p>Thread safety: {@link #execute}, {@link #shutdown} and {@link #awaitTermination} may be called
 * from any thread. Every task given to {@link #execute} either runs or is refused with a {@link
 * RejectedExecutionException} (after {@link #shutdown}).
 */
final class CallbackThread {
  /** The shortest spin for the next task before the thread parks: a reply's default spin. */
  static final long SPIN_NANOS = 20_000;

  /** The longest spin, for tasks that came at most this long after the task before. */
  static final long MAX_SPIN_NANOS = 200_000;

  /** Spins in a row whose reader could not read after which long spins stop. */
  static final int EARLY_RETURNS = 3;

  /** Spin iterations between two clock reads and yields, as the transports' spins. */
  private static final int YIELD_EVERY = 64;

  private static final Logger LOG = LoggerFactory.getLogger(CallbackThread.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  /** Callback threads of the process spinning longer than {@link #SPIN_NANOS} at a time. */
  private static final Semaphore LONG_SPINS =
      new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors() - 1));

  /** In place of the thread when shut down before any task came; never started. */
  private static final Thread NEVER_STARTED = new Thread(() -> {}, "witrpc-callbacks-never");

  /**
   * Reads the connection on the spinning callback thread: delivers incoming frames (which give this
   * thread its tasks) until {@code done} holds or the deadline passes, as {@code
   * Connection.readUntil}; false at once where the transport cannot.
   */
  @FunctionalInterface
  interface SpinReader {
    /** Reads nothing. */
    SpinReader NONE = (done, deadlineNanos) -> false;

    /**
     * @return true if {@code done} returned true
     */
    boolean readUntil(BooleanSupplier done, long deadlineNanos);
  }

  private final SpinReader reader;
  private final Semaphore longSpins;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicReference<Thread> thread = new AtomicReference<>();
  private final AtomicBoolean parked = new AtomicBoolean();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private volatile boolean shutdown;

  /** The next spin's length; only the thread itself touches it. */
  private long spinNanos = SPIN_NANOS;

  /** Spins in a row whose reader returned early with nothing; only the thread touches it. */
  private int earlyReturns;

  /** A thread that reads nothing while it spins, with the process's long-spin slots. */
  CallbackThread() {
    this(SpinReader.NONE);
  }

  /** A thread that reads its connection with {@code reader} while it spins. */
  CallbackThread(SpinReader reader) {
    this(reader, LONG_SPINS);
  }

  /** As {@link #CallbackThread(SpinReader)}, with the given long-spin slots (for tests). */
  CallbackThread(SpinReader reader, Semaphore longSpins) {
    this.reader = reader;
    this.longSpins = longSpins;
  }

  /**
   * Runs {@code task} on the callback thread after the tasks given before.
   *
   * @throws RejectedExecutionException after {@link #shutdown}
   */
  void execute(Runnable task) {
    if (shutdown) {
      throw new RejectedExecutionException("callback thread shut down");
    }
    tasks.offer(task);
    Thread worker = thread.get();
    if (worker == null) {
      worker = start();
    }
    // Dekker with the worker's park: it sets parked, then re-checks the queue.
    if (parked.get() && parked.compareAndSet(true, false)) {
      LockSupport.unpark(worker);
    }
    if (shutdown && tasks.remove(task)) {
      // shut down meanwhile, and the worker may have ended before it saw the task
      throw new RejectedExecutionException("callback thread shut down");
    }
  }

  private Thread start() {
    Thread t = new Thread(this::work, "witrpc-callbacks-" + THREADS.incrementAndGet());
    t.setDaemon(true);
    if (thread.compareAndSet(null, t)) {
      t.start(); // if shut down meanwhile, it runs what was given and ends
      return t;
    }
    return thread.get();
  }

  /** Ends the thread once the tasks already given have run; returns at once. */
  void shutdown() {
    shutdown = true;
    if (thread.compareAndSet(null, NEVER_STARTED)) {
      terminated.countDown();
    } else {
      LockSupport.unpark(thread.get());
    }
  }

  /**
   * Waits up to {@code timeout} for the thread to end after {@link #shutdown}.
   *
   * @return true if it ended (or never started)
   */
  boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return terminated.await(timeout, unit);
  }

  /** The thread, once started (for tests). */
  Thread threadForTests() {
    Thread t = thread.get();
    return t == NEVER_STARTED ? null : t;
  }

  /**
   * How long to spin for the next task, given the idle time before the last one: twice that, within
   * {@link #SPIN_NANOS} and {@link #MAX_SPIN_NANOS}; {@link #SPIN_NANOS} after a longer idle time.
   */
  static long spinAfterIdle(long idleNanos) {
    if (idleNanos > MAX_SPIN_NANOS) {
      return SPIN_NANOS;
    }
    return Math.min(MAX_SPIN_NANOS, Math.max(SPIN_NANOS, 2 * idleNanos));
  }

  private void work() {
    try {
      long idleSince = 0;
      boolean idle = false;
      while (true) {
        Runnable task = tasks.poll();
        if (task != null) {
          if (idle) {
            spinNanos = spinAfterIdle(System.nanoTime() - idleSince);
            idle = false;
          }
          run(task);
        } else if (shutdown) {
          if (tasks.isEmpty()) {
            return;
          }
        } else {
          if (!idle) {
            idle = true;
            idleSince = System.nanoTime();
            if (spinForTask(idleSince)) {
              continue;
            }
          }
          park();
        }
      }
    } finally {
      terminated.countDown();
    }
  }

  private static void run(Runnable task) {
    try {
      task.run();
    } catch (Throwable t) {
      LOG.error("callback task failed", t);
    }
  }

  /**
   * Spins for the next task, reading the connection if it can; true if a task came. A reader that
   * returns before its deadline with nothing to do could not read on this thread (another thread
   * was delivering, or the transport never reads here: {@code tcp://}, {@code ws://}, whose I/O
   * thread reads): that spin ends after {@link #SPIN_NANOS}, and after {@link #EARLY_RETURNS} such
   * spins in a row the thread spins no longer than that until a read brings a task again, since a
   * long spin would take the core the transport's own thread needs to read the next event.
   */
  private boolean spinForTask(long idleSince) {
    boolean longSpin =
        spinNanos > SPIN_NANOS && earlyReturns < EARLY_RETURNS && longSpins.tryAcquire();
    try {
      long deadline = idleSince + (longSpin ? spinNanos : SPIN_NANOS);
      if (readForTask(deadline)) {
        earlyReturns = 0;
        return true;
      }
      if (System.nanoTime() - deadline < 0 && !hasWork()) {
        earlyReturns = Math.min(earlyReturns + 1, EARLY_RETURNS);
        long shortDeadline = idleSince + SPIN_NANOS;
        if (deadline - shortDeadline > 0) {
          deadline = shortDeadline;
        }
      }
      return spinUntil(deadline);
    } finally {
      if (longSpin) {
        longSpins.release();
      }
    }
  }

  private boolean readForTask(long deadline) {
    try {
      return reader.readUntil(this::hasWork, deadline);
    } catch (RuntimeException | Error e) {
      // the transport closes the connection; the callbacks already queued still run
      LOG.debug("reading the connection while idle failed", e);
      return hasWork();
    }
  }

  private boolean spinUntil(long deadline) {
    for (int i = 1; ; i++) {
      if (hasWork()) {
        return true;
      }
      if (i % YIELD_EVERY == 0) {
        if (System.nanoTime() - deadline >= 0) {
          return false;
        }
        Thread.yield();
      } else {
        Thread.onSpinWait();
      }
    }
  }

  private boolean hasWork() {
    return !tasks.isEmpty() || shutdown;
  }

  private void park() {
    parked.set(true);
    if (hasWork()) {
      parked.set(false);
      return;
    }
    // A listener may have left its interrupt status set: it would make every park return at once.
    Thread.interrupted();
    LockSupport.park(this);
    parked.set(false);
  }
}
