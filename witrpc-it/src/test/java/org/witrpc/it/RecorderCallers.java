package org.witrpc.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.witrpc.testkit.Await;

/**
 * Threads that call {@link CallRecorder#run} in a loop, each call with an id of its own ({@code
 * c<thread>-<n>}), and keep every call's outcome, until {@link #end} stops them. Each loop is also
 * bounded by a number of calls and a time, should {@link #end} never be called.
 *
 * <p>Thread safety: {@link #awaitSuccesses} and {@link #end} are for the one test thread; {@link
 * #calls} only after {@link #end} returned with no thread left.
 */
final class RecorderCallers {
  private static final int MAX_CALLS = 1_000_000;
  private static final Duration MAX_TIME = Duration.ofSeconds(120);

  /** One call: its id, when it was made and when it returned or failed, and its outcome. */
  record Call(String id, long startNanos, long endNanos, String result, Throwable failure) {}

  private final List<Thread> threads = new ArrayList<>();
  private final List<List<Call>> calls = new ArrayList<>();
  private final List<AtomicInteger> successes = new ArrayList<>();
  private volatile boolean stop;

  /** Starts {@code count} threads calling {@code recorder}. */
  RecorderCallers(CallRecorder recorder, int count) {
    long deadline = System.nanoTime() + MAX_TIME.toNanos();
    for (int t = 0; t < count; t++) {
      List<Call> own = new ArrayList<>();
      AtomicInteger succeeded = new AtomicInteger();
      String prefix = "c" + t + "-";
      calls.add(own);
      successes.add(succeeded);
      threads.add(
          new Thread(() -> callLoop(recorder, prefix, own, succeeded, deadline), "caller-" + t));
    }
    threads.forEach(Thread::start);
  }

  private void callLoop(
      CallRecorder recorder,
      String prefix,
      List<Call> own,
      AtomicInteger succeeded,
      long deadline) {
    for (int n = 0; n < MAX_CALLS && !stop && System.nanoTime() - deadline < 0; n++) {
      String id = prefix + n;
      long start = System.nanoTime();
      try {
        String result = recorder.run(id);
        own.add(new Call(id, start, System.nanoTime(), result, null));
        succeeded.incrementAndGet();
      } catch (Throwable e) { // whatever it is, the test judges it
        own.add(new Call(id, start, System.nanoTime(), null, e));
      }
    }
  }

  /**
   * Waits until every thread has had {@code count} more successful calls than now.
   *
   * @throws AssertionError naming {@code what} if not within {@code bound}
   */
  void awaitSuccesses(int count, Duration bound, String what) {
    int[] target = new int[successes.size()];
    for (int t = 0; t < target.length; t++) {
      target[t] = successes.get(t).get() + count;
    }
    Await.until(
        "every caller had " + count + " successful calls " + what,
        bound,
        () -> {
          for (int t = 0; t < target.length; t++) {
            if (successes.get(t).get() < target[t]) {
              return false;
            }
          }
          return true;
        });
  }

  /**
   * Stops the threads after their current call and waits up to {@code bound} for them to end;
   * interrupts those still running then. Idempotent.
   *
   * @return the names of the threads that had not ended within {@code bound}
   */
  List<String> end(Duration bound) throws InterruptedException {
    stop = true;
    long deadline = System.nanoTime() + bound.toNanos();
    List<String> running = new ArrayList<>();
    for (Thread thread : threads) {
      long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
      thread.join(left);
      if (thread.isAlive()) {
        running.add(thread.getName());
        thread.interrupt();
      }
    }
    return running;
  }

  /** The calls of thread {@code t}, in order; read only after {@link #end}. */
  List<Call> calls(int t) {
    return calls.get(t);
  }
}
