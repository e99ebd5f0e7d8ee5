package org.witrpc.process;

import java.time.Duration;
import java.util.Objects;

/**
 * When a {@link WorkerProcess} whose process died is started again: after a backoff that doubles
 * from {@code initial} up to {@code max}, at most {@link #maxRestarts} times within {@link #within
 * a period} (the intensity limit of an Erlang/OTP supervisor); beyond that the worker is {@link
 * WorkerState#FAILED}. A worker restarts on the same address with the same access token, so the
 * host's client reconnects by itself and the proxies handed out before keep working.
 *
 * <pre>{@code
 * RestartPolicy.exponential(Duration.ofMillis(100), Duration.ofSeconds(5))
 *     .maxRestarts(5).within(Duration.ofMinutes(1))
 * }</pre>
 *
 * <p>A worker that was stopped ({@link WorkerProcess#stop}, {@link WorkerProcess#kill}) is never
 * restarted; one that exits on its own, with any code, is.
 *
 * <p>Thread safety: immutable; the "setters" return a changed copy.
 */
public final class RestartPolicy {
  private final Duration initial;
  private final Duration max;
  private final int maxRestarts;
  private final Duration within;

  private RestartPolicy(Duration initial, Duration max, int maxRestarts, Duration within) {
    this.initial = initial;
    this.max = max;
    this.maxRestarts = maxRestarts;
    this.within = within;
  }

  /**
   * Waits {@code initial} before the first restart, doubling up to {@code max}; at most 5 restarts
   * within a minute. {@code initial} is zero only with a zero {@code max} (every restart at once):
   * zero would never double.
   *
   * @throws IllegalArgumentException unless {@code 0 <= initial <= max}, or if {@code initial} is
   *     zero and {@code max} is not
   */
  public static RestartPolicy exponential(Duration initial, Duration max) {
    Objects.requireNonNull(initial, "initial == null");
    Objects.requireNonNull(max, "max == null");
    if (initial.isNegative() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "need 0 <= initial <= max: initial " + initial + ", max " + max);
    }
    if (initial.isZero() && !max.isZero()) {
      throw new IllegalArgumentException(
          "initial must be positive when max is (zero never doubles): initial "
              + initial
              + ", max "
              + max);
    }
    return new RestartPolicy(
        Durations.capped(initial), Durations.capped(max), 5, Duration.ofMinutes(1));
  }

  /** Most restarts within the period (>= 1). */
  public RestartPolicy maxRestarts(int maxRestarts) {
    if (maxRestarts < 1) {
      throw new IllegalArgumentException("maxRestarts must be >= 1: " + maxRestarts);
    }
    return new RestartPolicy(initial, max, maxRestarts, within);
  }

  /** The period in which at most {@link #maxRestarts} restarts may happen. */
  public RestartPolicy within(Duration within) {
    return new RestartPolicy(initial, max, maxRestarts, Durations.positive(within, "within"));
  }

  /** Most restarts within the period. */
  public int maxRestarts() {
    return maxRestarts;
  }

  /** The period of the intensity limit. */
  public Duration within() {
    return within;
  }

  /** The wait before restart {@code n} (1-based) of a run of restarts within the period. */
  public Duration delayBefore(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1: " + n);
    }
    Duration delay = initial;
    for (int i = 1; i < n && delay.compareTo(max) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(max) > 0 ? max : delay;
  }

  @Override
  public String toString() {
    return "RestartPolicy[" + initial + ".." + max + ", " + maxRestarts + " within " + within + "]";
  }
}
