package org.witrpc.server;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Drops connections that are not READY within the server's handshake timeout. One per server, with
 * one daemon thread ({@code witrpc-server-handshake-N}) for all its connections, created with the
 * first connection (none before) and ended by {@link #close()}. A connection costs one scheduled
 * task, cancelled (and removed) when it becomes READY.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class HandshakeTimer {
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final long CLOSE_WAIT_MILLIS = 2_000;

  private final Duration timeout;
  private final long timeoutNanos;
  private final ScheduledThreadPoolExecutor scheduler;

  HandshakeTimer(Duration timeout) {
    this.timeout = timeout;
    long nanos;
    try {
      nanos = timeout.toNanos();
    } catch (ArithmeticException beyondLong) {
      nanos = Long.MAX_VALUE;
    }
    this.timeoutNanos = nanos;
    this.scheduler =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "witrpc-server-handshake-" + THREADS.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    scheduler.setRemoveOnCancelPolicy(true);
    scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /** How long a connection may take from accept to READY. */
  Duration timeout() {
    return timeout;
  }

  /**
   * Runs {@code expire} once the timeout has passed, unless the returned future is cancelled first.
   *
   * @return the scheduled task, or null if the timer is closed (the server closes the connection)
   */
  Future<?> schedule(Runnable expire) {
    try {
      return scheduler.schedule(expire, timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closed) {
      return null;
    }
  }

  /** Cancels every pending deadline and ends the thread. Idempotent. */
  void close() {
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
