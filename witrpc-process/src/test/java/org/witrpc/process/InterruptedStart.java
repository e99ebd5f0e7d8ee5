package org.witrpc.process;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A start made on a thread of its own, for tests that interrupt it: what the start threw (null if
 * it returned; what it returned is closed) and whether the thread's interrupt status was still set.
 */
final class InterruptedStart {
  /** A start that returns what to close. */
  interface Start {
    AutoCloseable run() throws Exception;
  }

  private final Thread thread;
  private final CompletableFuture<Throwable> thrown = new CompletableFuture<>();
  private final AtomicBoolean interruptKept = new AtomicBoolean();

  private InterruptedStart(String threadName, Start start) {
    this.thread =
        new Thread(
            () -> {
              try {
                start.run().close();
                thrown.complete(null);
              } catch (Throwable e) {
                interruptKept.set(Thread.currentThread().isInterrupted());
                thrown.complete(e);
              }
            },
            threadName);
  }

  /** Begins {@code start} on a new thread named {@code threadName}. */
  static InterruptedStart begin(String threadName, Start start) {
    InterruptedStart s = new InterruptedStart(threadName, start);
    s.thread.start();
    return s;
  }

  void interrupt() {
    thread.interrupt();
  }

  /** What the start threw, waiting up to 60 s for it to end. */
  Throwable thrown() throws Exception {
    return thrown.get(60, TimeUnit.SECONDS);
  }

  /** Whether the thread's interrupt status was set when the start threw. */
  boolean interruptKept() {
    return interruptKept.get();
  }

  /** Waits (bounded) for the thread to end. */
  void join() throws InterruptedException {
    thread.join(10_000);
  }
}
