package org.witrpc.client;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's serial callback thread {@code witrpc-callbacks-N}: runs the tasks given to
 * {@link #execute} one at a time, in order. When it runs out of tasks it spins for {@link
 * #SPIN_NANOS} (as a caller spins for its reply) before it parks, so an event that follows another
 * within that time costs no thread wake-up; an idle thread is parked, using no CPU. The thread is
 * started by the first task.
 *
 * <p>Thread safety: {@link #execute}, {@link #shutdown} and {@link #awaitTermination} may be called
 * from any thread. Every task given to {@link #execute} either runs or is refused with a {@link
 * RejectedExecutionException} (after {@link #shutdown}).
 */
final class CallbackThread {
  /** How long the thread spins for the next task before it parks: a reply's default spin. */
  static final long SPIN_NANOS = 20_000;

  /** Spin iterations between two clock reads and yields, as the transports' spins. */
  private static final int YIELD_EVERY = 64;

  private static final Logger LOG = LoggerFactory.getLogger(CallbackThread.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  /** In place of the thread when shut down before any task came; never started. */
  private static final Thread NEVER_STARTED = new Thread(() -> {}, "witrpc-callbacks-never");

  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicReference<Thread> thread = new AtomicReference<>();
  private final AtomicBoolean parked = new AtomicBoolean();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private volatile boolean shutdown;

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

  private void work() {
    try {
      while (true) {
        Runnable task = tasks.poll();
        if (task != null) {
          run(task);
        } else if (shutdown) {
          if (tasks.isEmpty()) {
            return;
          }
        } else if (!spinForTask()) {
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

  /** Spins for at most {@link #SPIN_NANOS}; true if a task came (or the shutdown). */
  private boolean spinForTask() {
    long start = System.nanoTime();
    for (int i = 1; ; i++) {
      if (!tasks.isEmpty() || shutdown) {
        return true;
      }
      if (i % YIELD_EVERY == 0) {
        if (System.nanoTime() - start >= SPIN_NANOS) {
          return false;
        }
        Thread.yield();
      } else {
        Thread.onSpinWait();
      }
    }
  }

  private void park() {
    parked.set(true);
    if (!tasks.isEmpty() || shutdown) {
      parked.set(false);
      return;
    }
    // A listener may have left its interrupt status set: it would make every park return at once.
    Thread.interrupted();
    LockSupport.park(this);
    parked.set(false);
  }
}
