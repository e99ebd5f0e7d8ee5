package org.witrpc.bench;

import org.HdrHistogram.Histogram;

/**
 * The latency percentiles of one run, in microseconds, and the rate of calls (or of timed events)
 * from one thread.
 *
 * <p>Thread safety: immutable.
 */
record LatencySummary(
    double p50, double p90, double p99, double p999, double max, double callsPerSecond) {

  static LatencySummary of(Histogram nanos, long elapsedNanos) {
    return new LatencySummary(
        micros(nanos.getValueAtPercentile(50)),
        micros(nanos.getValueAtPercentile(90)),
        micros(nanos.getValueAtPercentile(99)),
        micros(nanos.getValueAtPercentile(99.9)),
        micros(nanos.getMaxValue()),
        nanos.getTotalCount() / (elapsedNanos / 1e9));
  }

  private static double micros(long nanos) {
    return nanos / 1e3;
  }
}
