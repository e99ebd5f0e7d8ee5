package org.witrpc.transport.tcp.internal;

import java.time.Duration;
import java.util.Objects;
import org.witrpc.internal.Durations;

/**
 * Heartbeat settings: a ping after {@code interval} without writing; the peer is dead after {@code
 * misses} intervals without a byte from it. An interval of zero turns heartbeats off.
 *
 * <p>Thread safety: immutable.
 */
public final class Heartbeat {
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
  public static final int DEFAULT_MISSES = 3;
  public static final Heartbeat DEFAULT = new Heartbeat(DEFAULT_INTERVAL, DEFAULT_MISSES);

  private static final Duration MIN_INTERVAL = Duration.ofMillis(10);

  private final Duration interval;
  private final int misses;

  private Heartbeat(Duration interval, int misses) {
    this.interval = interval;
    this.misses = misses;
  }

  /**
   * @throws IllegalArgumentException if the interval is negative or between 0 and 10 ms, misses is
   *     below 1, or interval x misses (the silence that closes a connection) is above {@link
   *     Durations#MAX}: Netty's idle timer holds it in nanoseconds, and an overflow there would
   *     turn the silence check off instead of failing
   */
  public static Heartbeat of(Duration interval, int misses) {
    Objects.requireNonNull(interval, "interval == null");
    if (interval.isNegative() || !interval.isZero() && interval.compareTo(MIN_INTERVAL) < 0) {
      throw new IllegalArgumentException(
          "heartbeat interval must be 0 (off) or at least 10 ms: " + interval);
    }
    if (misses < 1) {
      throw new IllegalArgumentException("heartbeat misses must be at least 1: " + misses);
    }
    if (interval.compareTo(Durations.MAX.dividedBy(misses)) > 0) {
      throw new IllegalArgumentException(
          "heartbeat interval x misses must be at most "
              + Durations.MAX.toNanos()
              + "ns (292 years), not "
              + interval
              + " x "
              + misses);
    }
    return new Heartbeat(interval, misses);
  }

  public Duration interval() {
    return interval;
  }

  public int misses() {
    return misses;
  }

  public boolean enabled() {
    return !interval.isZero();
  }

  Heartbeat withInterval(Duration newInterval) {
    return of(newInterval, misses);
  }

  Heartbeat withMisses(int newMisses) {
    return of(interval, newMisses);
  }

  @Override
  public String toString() {
    return enabled() ? "heartbeat every " + interval + ", dead after " + misses : "no heartbeat";
  }
}
