package org.witrpc.client;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where a client runs the completions of its asynchronous calls' futures, and so its users'
 * dependent stages: on the client's {@code witrpc-client-async-N} threads while it is open, and
 * after {@link #shutdown} (a reply or a failure delivered while the client closes) on a {@code
 * witrpc-client-late-N} thread of this client's own, started on demand and ended after a second
 * without work: a dependent stage that blocks there holds up only this client's later completions,
 * never another client's. Never on the thread that hands the task over, which may be a transport's
 * I/O thread (a Netty event loop) that user code must not hold. At most one late thread per closed
 * client, for as long as its completions keep coming.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class AsyncExecutor implements Executor {
  private static final AtomicInteger LATE_THREADS = new AtomicInteger();

  private final ThreadPoolExecutor threads;

  /** One daemon thread for this client's late completions; made on the first one. */
  private volatile ThreadPoolExecutor late;

  /** Threads made by {@code factory}, as many as tasks wait, each ended after 10 s idle. */
  AsyncExecutor(ThreadFactory factory) {
    this.threads =
        new ThreadPoolExecutor(
            0, Integer.MAX_VALUE, 10, TimeUnit.SECONDS, new SynchronousQueue<>(), factory);
  }

  private ThreadPoolExecutor late() {
    ThreadPoolExecutor made = late;
    if (made != null) {
      return made;
    }
    synchronized (this) {
      if (late == null) {
        late = newLateExecutor();
      }
      return late;
    }
  }

  private static ThreadPoolExecutor newLateExecutor() {
    ThreadPoolExecutor late =
        new ThreadPoolExecutor(
            1,
            1,
            1,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "witrpc-client-late-" + LATE_THREADS.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    late.allowCoreThreadTimeOut(true);
    return late;
  }

  /**
   * Runs {@code task} on a client thread, or on this client's late thread once the client is shut
   * down.
   */
  @Override
  public void execute(Runnable task) {
    try {
      threads.execute(task);
    } catch (RejectedExecutionException shutDown) {
      late().execute(task);
    }
  }

  /**
   * Runs {@code task} on a client thread; rejects it once the client is shut down (for work that
   * must not start then, such as sending a call).
   *
   * @throws RejectedExecutionException if the client is shut down
   */
  void executeWhileOpen(Runnable task) {
    threads.execute(task);
  }

  /** Lets the running tasks finish and takes no new ones on the client's threads. */
  void shutdown() {
    threads.shutdown();
  }
}
