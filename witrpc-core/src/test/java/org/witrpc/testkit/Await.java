package org.witrpc.testkit;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Bounded polling for a condition that another thread or process makes true and that cannot be
 * awaited directly (a meter recorded, a span exported, a count in another process). Plain Java, so
 * that any test module can use it whatever its JUnit version.
 *
 * <p>Thread safety: stateless.
 */
public final class Await {
  /** The bound of {@link #until(String, BooleanSupplier)}. */
  public static final Duration DEFAULT_BOUND = Duration.ofSeconds(20);

  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private Await() {}

  /**
   * Polls {@code condition} every few milliseconds until it holds.
   *
   * @throws AssertionError naming {@code what} if it does not hold within {@link #DEFAULT_BOUND}
   */
  public static void until(String what, BooleanSupplier condition) {
    until(what, DEFAULT_BOUND, condition);
  }

  /**
   * Polls {@code condition} every few milliseconds until it holds.
   *
   * @throws AssertionError naming {@code what} if it does not hold within {@code bound}
   */
  public static void until(String what, Duration bound, BooleanSupplier condition) {
    Objects.requireNonNull(condition, "condition == null");
    long deadline = System.nanoTime() + bound.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + bound + " waiting until " + what);
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }
}
