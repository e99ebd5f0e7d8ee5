package org.witrpc.server;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's default executor where the JDK has no virtual threads: up to {@code maximum} daemon
 * threads that end after {@code keepAliveSeconds} idle. Unlike a plain {@link ThreadPoolExecutor},
 * which starts a new thread for every task until it has its core size (so a server answering one
 * call at a time would soon hold all of them), it hands a task to an idle thread when there is one,
 * starts a thread only when every thread is busy, and queues tasks (without bound) once all {@code
 * maximum} are busy. "Busy" counts a task until the pool's {@code afterExecute}, so a task that
 * comes just as another ends may start one thread more than needed: the pool errs toward a thread
 * too many, never toward a task waiting while it could still grow.
 *
 * <p>Thread safety: thread-safe, as any executor.
 */
final class ServerThreadPool extends ThreadPoolExecutor {
  /** Tasks handed to {@link #execute} and not yet finished. */
  private final AtomicInteger unfinished = new AtomicInteger();

  ServerThreadPool(int maximum, long keepAliveSeconds, ThreadFactory threads) {
    super(0, maximum, keepAliveSeconds, TimeUnit.SECONDS, new GrowFirstQueue(), threads);
    ((GrowFirstQueue) getQueue()).pool = this;
  }

  @Override
  public void execute(Runnable task) {
    unfinished.incrementAndGet();
    try {
      super.execute(task);
    } catch (RejectedExecutionException e) {
      // the queue declined to make the pool grow, and another task took the last thread slot
      // meanwhile: queue it after all, unless the pool is shut down
      if (isShutdown() || !((GrowFirstQueue) getQueue()).queue(task)) {
        unfinished.decrementAndGet();
        throw e;
      }
    }
  }

  @Override
  protected void afterExecute(Runnable task, Throwable failure) {
    unfinished.decrementAndGet();
  }

  /**
   * Declines a task (so that the pool starts a thread for it) while every thread is busy and the
   * pool may still grow.
   */
  private static final class GrowFirstQueue extends LinkedBlockingQueue<Runnable> {
    private static final long serialVersionUID = 1L;
    private transient volatile ServerThreadPool pool;

    @Override
    public boolean offer(Runnable task) {
      ServerThreadPool p = pool;
      if (p != null
          && p.unfinished.get() > p.getPoolSize()
          && p.getPoolSize() < p.getMaximumPoolSize()) {
        return false;
      }
      return super.offer(task);
    }

    boolean queue(Runnable task) {
      return super.offer(task);
    }
  }
}
