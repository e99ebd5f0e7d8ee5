package org.witrpc.transport.mmf;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.function.BooleanSupplier;

/**
 * Bounded busy-waiting: polls a condition with {@link Thread#onSpinWait()} for at most a time
 * budget, yielding the core every few dozen iterations so that two spinners sharing one core (a
 * common case on small VMs) still make progress in microseconds rather than scheduler quanta (on a
 * platform thread: {@link #yieldCore}).
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
final class SpinWait {
  /** Iterations between two clock reads and {@link Thread#yield()} calls. */
  static final int YIELD_EVERY = 64;

  private SpinWait() {}

  /** {@code Thread.isVirtual()} where the JDK has it (21+), else null. */
  private static final MethodHandle IS_VIRTUAL = isVirtualHandle();

  /**
   * Gives the core to another thread for a moment ({@link Thread#yield()}) on a platform thread; on
   * a virtual thread does nothing. There a yield only unmounts the thread and submits it to its
   * scheduler again, which wakes an idle carrier thread (a thread wake-up per yield, the very cost
   * a spin is there to save), and frees no core for the machine's other threads; the spin is
   * bounded anyway.
   */
  static void yieldCore() {
    if (!isVirtual()) {
      Thread.yield();
    }
  }

  private static boolean isVirtual() {
    if (IS_VIRTUAL == null) {
      return false;
    }
    try {
      return (boolean) IS_VIRTUAL.invokeExact(Thread.currentThread());
    } catch (Throwable e) {
      return false;
    }
  }

  private static MethodHandle isVirtualHandle() {
    try {
      return MethodHandles.publicLookup()
          .findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
    } catch (ReflectiveOperationException e) {
      return null; // JDK 17-20: every thread is a platform thread
    }
  }

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
        yieldCore();
      } else {
        Thread.onSpinWait();
      }
    }
    return true;
  }
}
