package org.witrpc.transport.mmf;

import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process's pool of {@code mmf://} worker threads ({@code witrpc-mmf-worker-N}): a connection's
 * reader runs on one while the connection has frames (and spins briefly after them), and a server's
 * handshake waits on one for the client's acknowledgement. A thread idle for {@link #KEEP_ALIVE_MS}
 * ends, so idle connections hold none.
 *
 * <p>Platform threads on every JDK, not virtual ones: a reader spins between frames (a virtual
 * thread spinning holds one of the few carrier threads), and a server's reader runs inline service
 * methods that may block while holding a lock (which pins a virtual thread before JDK 24).
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class MmfThreads {
  /** How long an idle worker waits for its next task before it ends. */
  static final long KEEP_ALIVE_MS = 2_000;

  private static final AtomicInteger IDS = new AtomicInteger();

  private static final ThreadPoolExecutor POOL =
      new ThreadPoolExecutor(
          0,
          Integer.MAX_VALUE,
          KEEP_ALIVE_MS,
          TimeUnit.MILLISECONDS,
          new SynchronousQueue<>(),
          task -> {
            Thread t = new Thread(task, "witrpc-mmf-worker-" + IDS.incrementAndGet());
            t.setDaemon(true);
            return t;
          });

  private MmfThreads() {}

  /** Runs {@code task} on an idle worker, or on a new one if none is idle. */
  static void execute(Runnable task) {
    POOL.execute(task);
  }

  /** Workers running a task now; for tests. */
  static int busy() {
    return POOL.getActiveCount();
  }
}
