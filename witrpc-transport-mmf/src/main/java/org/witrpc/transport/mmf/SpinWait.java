package org.witrpc.transport.mmf;

import java.util.function.BooleanSupplier;

/**
 * Bounded busy-waiting: polls a condition with {@link Thread#onSpinWait()} for at most a time
 * budget, yielding the core every few dozen iterations so that two spinners sharing one core (a
 * common case on small VMs) still make progress in microseconds rather than scheduler quanta.
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
final class SpinWait {
  /** Iterations between two clock reads and {@link Thread#yield()} calls. */
  static final int YIELD_EVERY = 64;

  private SpinWait() {}

  /**
   * Spins until {@code condition} is true or {@code budgetNanos} has passed.
   *
   * @return true if the condition became true
   */
  static boolean spinUntil(BooleanSupplier condition, long budgetNanos) {
    if (condition.getAsBoolean()) {
      return true;
    }
    if (budgetNanos <= 0) {
      return false;
    }
    long start = System.nanoTime();
    int iterations = 0;
    while (!condition.getAsBoolean()) {
      if (++iterations % YIELD_EVERY == 0) {
        if (System.nanoTime() - start >= budgetNanos) {
          return false;
        }
        Thread.yield();
      } else {
        Thread.onSpinWait();
      }
    }
    return true;
  }
}
