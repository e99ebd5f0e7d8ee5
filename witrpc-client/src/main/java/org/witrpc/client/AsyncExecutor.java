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
 * after {@link #shutdown} (a reply or a failure delivered while the client closes) on one shared
 * {@code witrpc-client-late-N} thread. Never on the thread that hands the task over, which may be a
 * transport's I/O thread (a Netty event loop) that user code must not hold.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class AsyncExecutor implements Executor {
  private static final AtomicInteger LATE_THREADS = new AtomicInteger();

  /** One daemon thread for all clients, started on demand, ended after a second without work. */
  private static final ThreadPoolExecutor LATE = late();

  private final ThreadPoolExecutor threads;

  /** Threads made by {@code factory}, as many as tasks wait, each ended after 10 s idle. */
  AsyncExecutor(ThreadFactory factory) {
    this.threads =
        new ThreadPoolExecutor(
            0, Integer.MAX_VALUE, 10, TimeUnit.SECONDS, new SynchronousQueue<>(), factory);
  }

  private static ThreadPoolExecutor late() {
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
   * Runs {@code task} on a client thread, or on the shared late thread once the client is shut
   * down.
   */
  @Override
  public void execute(Runnable task) {
    try {
      threads.execute(task);
    } catch (RejectedExecutionException shutDown) {
      LATE.execute(task);
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
