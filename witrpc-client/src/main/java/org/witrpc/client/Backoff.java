package org.witrpc.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.witrpc.internal.Durations;

/**
 * Exponential backoff with a cap and jitter: the wait before attempt n (1-based) is {@code min(max,
 * initial * multiplier^(n-1))}, scaled by a random factor in {@code [1 - jitter, 1 + jitter]}
 * (never above {@code max}). Durations longer than {@link Durations#FOREVER} are taken as it.
 *
 * <p>Thread safety: immutable.
 */
record Backoff(Duration initial, Duration max, double multiplier, double jitter) {
  Backoff {
    if (initial.isNegative() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "need 0 <= initial <= max: initial " + initial + ", max " + max);
    }
    initial = Durations.capped(initial);
    max = Durations.capped(max);
    if (!(multiplier >= 1.0)) {
      throw new IllegalArgumentException("multiplier must be >= 1: " + multiplier);
    }
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      throw new IllegalArgumentException("jitter must be between 0 and 1: " + jitter);
    }
  }

  /** The wait before attempt {@code n} (1-based), in nanoseconds. */
  long delayNanos(int n) {
    double base = initial.toNanos() * Math.pow(multiplier, Math.max(0, n - 1));
    double capped = Math.min(base, max.toNanos());
    double factor = 1.0 + jitter * (2 * ThreadLocalRandom.current().nextDouble() - 1);
    return (long) Math.min(capped * factor, max.toNanos());
  }
}
