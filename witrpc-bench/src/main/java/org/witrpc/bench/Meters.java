package org.witrpc.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;

/**
 * The measurements: latency with an HdrHistogram, throughput from several threads, and the choice
 * of the median run.
 *
 * <p>Thread safety: stateless; each method runs its own threads and joins them.
 */
final class Meters {
  private static final long HIGHEST_NANOS = 60_000_000_000L;

  private Meters() {}

  /** Calls {@code op} at least {@code calls} times and for at least {@code millis}. */
  static void warmUp(Runnable op, int calls, int millis) {
    long deadline = System.nanoTime() + millis * 1_000_000L;
    for (int i = 0; i < calls || System.nanoTime() - deadline < 0; i++) {
      op.run();
    }
  }

  /** {@code runs} latency runs of {@code calls} calls each; the run with the median p50. */
  static LatencySummary latency(Runnable op, int calls, int runs) {
    return latencies(
        () -> {
          long t0 = System.nanoTime();
          op.run();
          return System.nanoTime() - t0;
        },
        calls,
        runs);
  }

  /**
   * {@code runs} runs of {@code samples} latencies each, every one measured by {@code sampleNanos};
   * the run with the median p50.
   */
  static LatencySummary latencies(LongSupplier sampleNanos, int samples, int runs) {
    List<LatencySummary> results = new ArrayList<>();
    for (int r = 0; r < runs; r++) {
      Histogram histogram = new Histogram(HIGHEST_NANOS, 3);
      long start = System.nanoTime();
      for (int i = 0; i < samples; i++) {
        histogram.recordValue(sampleNanos.getAsLong());
      }
      results.add(LatencySummary.of(histogram, System.nanoTime() - start));
    }
    return median(results, LatencySummary::p50);
  }

  /**
   * Calls per second from {@code threads} threads calling {@code opForThread.apply(index)} for
   * {@code millis}; the median of {@code runs} runs.
   */
  static double throughput(IntFunction<Runnable> opForThread, int threads, int millis, int runs)
      throws InterruptedException {
    List<Double> rates = new ArrayList<>();
    for (int r = 0; r < runs; r++) {
      rates.add(throughputRun(opForThread, threads, millis));
    }
    return median(rates, Double::doubleValue);
  }

  private static double throughputRun(IntFunction<Runnable> opForThread, int threads, int millis)
      throws InterruptedException {
    CountDownLatch start = new CountDownLatch(1);
    long[] counts = new long[threads];
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> workers = new ArrayList<>();
    long[] window = new long[1];
    for (int t = 0; t < threads; t++) {
      int index = t;
      Runnable op = opForThread.apply(index);
      Thread worker =
          new Thread(
              () -> {
                try {
                  start.await();
                  long deadline = window[0] + millis * 1_000_000L;
                  long n = 0;
                  do {
                    op.run();
                    n++;
                  } while (System.nanoTime() < deadline);
                  counts[index] = n;
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              },
              "witrpc-bench-caller-" + t);
      worker.setDaemon(true);
      workers.add(worker);
      worker.start();
    }
    window[0] = System.nanoTime();
    start.countDown(); // happens-before the workers read window[0]
    for (Thread worker : workers) {
      worker.join();
    }
    long elapsed = System.nanoTime() - window[0];
    if (failure.get() != null) {
      throw new IllegalStateException("a benchmark thread failed", failure.get());
    }
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    return total / (elapsed / 1e9);
  }

  /** The element with the median {@code key} (the upper one of an even count). */
  static <T> T median(List<T> values, ToDoubleFunction<T> key) {
    List<T> sorted = new ArrayList<>(values);
    sorted.sort(Comparator.comparingDouble(key));
    return sorted.get(sorted.size() / 2);
  }
}
