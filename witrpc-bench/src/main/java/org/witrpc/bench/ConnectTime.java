package org.witrpc.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Connect time of any target: the median of {@link BenchConfig#connectsPerRun} times {@link
 * BenchConfig#runs} fresh connections after untimed warm-up connections for {@link
 * BenchConfig#warmupMillis} (every target alike). Each is timed from nothing to ready for calls;
 * closing it is not timed. One warm-up connection was too few: a connect runs much code only once
 * per connection, and on two busy cores the JIT was still compiling it after a thousand connects,
 * so the median measured the interpreter and the compiler threads more than the connect.
 *
 * <p>Thread safety: not thread-safe; used by the benchmark's main thread.
 */
final class ConnectTime {
  /** Makes a fresh connection and returns once it is ready for calls. */
  @FunctionalInterface
  interface Connector {
    Connection connect() throws Exception;
  }

  /** A connection made by a {@link Connector}. */
  @FunctionalInterface
  interface Connection extends AutoCloseable {
    @Override
    void close();
  }

  private final BenchConfig config;
  private final BenchResults results;

  ConnectTime(BenchConfig config, BenchResults results) {
    this.config = config;
    this.results = results;
  }

  /**
   * Measures {@code connector} and records the median as {@code target}'s connect time.
   *
   * @param timed what a connection includes, in words, for the report
   */
  void measure(String target, String timed, Connector connector) throws Exception {
    long warmupEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.warmupMillis());
    do {
      connector.connect().close();
    } while (System.nanoTime() - warmupEnd < 0);
    List<Double> millis = new ArrayList<>();
    for (int i = 0; i < config.connectsPerRun() * config.runs(); i++) {
      long start = System.nanoTime();
      Connection connection = connector.connect();
      millis.add((System.nanoTime() - start) / 1e6);
      connection.close();
    }
    results.connect.add(
        new BenchResults.Connect(target, timed, Meters.median(millis, Double::doubleValue)));
  }
}
