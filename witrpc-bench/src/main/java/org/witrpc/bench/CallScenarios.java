package org.witrpc.bench;

import java.util.Arrays;

/**
 * The scenarios every RPC target runs through {@link BenchService}: small-call latency, throughput
 * from several threads, and bulk echo.
 *
 * <p>Thread safety: not thread-safe; used by the benchmark's main thread.
 */
final class CallScenarios {
  /** A 64-character string for the echo. */
  static final String TEXT_64 = "0123456789abcdef".repeat(4);

  private final BenchConfig config;
  private final BenchResults results;

  CallScenarios(BenchConfig config, BenchResults results) {
    this.config = config;
    this.results = results;
  }

  /** Warm-up, then latency of {@code add} and of a 64-character echo. */
  void smallCalls(String target, BenchService service) {
    Runnable add = () -> service.add(1, 2);
    Runnable echo = () -> service.echo(TEXT_64);
    Meters.warmUp(add, config.warmupCalls(), config.warmupMillis());
    Meters.warmUp(echo, config.warmupCalls(), config.warmupMillis());
    results.latency.add(
        new BenchResults.Latency(
            target, "add(int, int)", Meters.latency(add, config.latencyCalls(), config.runs())));
    results.latency.add(
        new BenchResults.Latency(
            target, "echo(64 chars)", Meters.latency(echo, config.latencyCalls(), config.runs())));
  }

  /** {@code add} calls per second from each configured number of threads. */
  void throughput(String target, BenchService service) throws InterruptedException {
    for (int threads : config.threadCounts()) {
      double rate =
          Meters.throughput(
              index -> () -> service.add(index, 1),
              threads,
              config.throughputMillis(),
              config.runs());
      results.throughput.add(new BenchResults.Throughput(target, threads, rate));
    }
  }

  /** Echo of each configured size; megabytes (10^6 bytes) per second, both directions counted. */
  void bulk(String target, String serializer, BenchService service) {
    for (int size : config.bulkSizes()) {
      byte[] data = new byte[size];
      for (int i = 0; i < size; i++) {
        data[i] = (byte) (i * 7);
      }
      check(data, service.echoBytes(data));
      long calls = Math.max(1, config.bulkBytesPerRun() / size);
      double[] rates = new double[config.runs()];
      for (int r = 0; r < rates.length; r++) {
        long start = System.nanoTime();
        for (long c = 0; c < calls; c++) {
          service.echoBytes(data);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        rates[r] = 2.0 * size * calls / seconds / 1e6;
      }
      double median =
          Meters.median(Arrays.stream(rates).boxed().toList(), Double::doubleValue).doubleValue();
      results.bulk.add(new BenchResults.Bulk(target, serializer, size, median));
    }
  }

  private static void check(byte[] sent, byte[] received) {
    if (!Arrays.equals(sent, received)) {
      throw new IllegalStateException("the echo of " + sent.length + " bytes differs");
    }
  }
}
