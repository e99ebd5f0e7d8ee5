package org.witrpc.process;

import java.time.Duration;
import java.util.Objects;

/**
 * Checks of the durations this module's builders take, with messages that name the option.
 *
 * <p>Thread safety: stateless.
 */
final class Durations {
  private Durations() {}

  /**
   * Returns {@code value} if it is positive, or {@link org.witrpc.internal.Durations#FOREVER} if it
   * is longer.
   *
   * @throws IllegalArgumentException naming {@code option} otherwise
   */
  static Duration positive(Duration value, String option) {
    Objects.requireNonNull(value, option + " == null");
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(option + " must be positive: " + value);
    }
    return capped(value);
  }

  /** {@code value}, or {@link org.witrpc.internal.Durations#FOREVER} if it is longer. */
  static Duration capped(Duration value) {
    return org.witrpc.internal.Durations.capped(value);
  }
}
