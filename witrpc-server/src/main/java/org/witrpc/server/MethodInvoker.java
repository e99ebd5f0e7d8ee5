package org.witrpc.server;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import org.witrpc.internal.MethodDescriptor;

/**
 * Calls one method of one service implementation. Built once per method when the server is built:
 * the method handle is looked up once and spread to take an argument array.
 *
 * <p>Thread safety: immutable; safe for concurrent use.
 */
final class MethodInvoker {
  /** Average duration under which {@link Dispatch#AUTO} runs a method on the reader thread. */
  static final long QUICK_NANOS = 20_000;

  private final MethodDescriptor descriptor;
  private final MethodHandle handle;
  private final boolean builtIn;

  /**
   * Moving average of the invocation time (weight 1/8 for the newest call); starts above the quick
   * limit so that a method's first call runs on the executor. Races between concurrent updates lose
   * a sample at worst, which an average tolerates.
   */
  private volatile long averageNanos = Long.MAX_VALUE / 2;

  /** Calls in a row that took less than {@link #QUICK_NANOS}, since the last one that did not. */
  private volatile int quickStreak;

  /**
   * Slow calls (of {@link #QUICK_NANOS} or more) made while the method was {@linkplain
   * #isQuickEveryTime quick every time}, counted up to {@link #MAX_SLOW_DOUBLINGS}: each doubles
   * the streak it asks for. The slow first calls of a method not yet compiled do not count.
   */
  private volatile int slowCalls;

  /** The streak of quick calls a method that was never slow needs to run on a shared I/O thread. */
  static final int IO_THREAD_STREAK = 64;

  private static final int MAX_SLOW_DOUBLINGS = 10;

  /**
   * @param builtIn a method of the server's own that never waits ({@link org.witrpc.ServerPing}):
   *     always run where it is read, without interceptors
   */
  MethodInvoker(MethodDescriptor descriptor, Object implementation, boolean builtIn) {
    this.descriptor = descriptor;
    this.builtIn = builtIn;
    this.handle = spread(unreflect(descriptor.method()).bindTo(implementation), descriptor);
  }

  private static MethodHandle unreflect(Method method) {
    try {
      return MethodHandles.publicLookup().unreflect(method);
    } catch (IllegalAccessException notPublic) {
      try {
        method.setAccessible(true);
        return MethodHandles.lookup().unreflect(method);
      } catch (IllegalAccessException | RuntimeException e) {
        throw new IllegalArgumentException(
            "cannot access " + method + ": make the service interface public", e);
      }
    }
  }

  private static MethodHandle spread(MethodHandle bound, MethodDescriptor d) {
    int n = d.method().getParameterCount();
    return bound
        .asType(bound.type().generic().changeReturnType(Object.class))
        .asSpreader(Object[].class, n)
        .asType(MethodType.methodType(Object.class, Object[].class));
  }

  MethodDescriptor descriptor() {
    return descriptor;
  }

  /** True for a method of the server's own, which never waits and runs without interceptors. */
  boolean builtIn() {
    return builtIn;
  }

  /** True if the method's recent calls were quick enough to run on the reader thread. */
  boolean isQuick() {
    return builtIn || averageNanos < QUICK_NANOS;
  }

  /**
   * True if the method is {@link #isQuick quick} and its last calls were all quick, as many of them
   * as {@link #IO_THREAD_STREAK} doubled for each time it was slow after such a streak (up to 2^10
   * times): the stricter test for running it on a thread that serves other connections (a Netty
   * event loop), so that a method that blocks now and then stays off it.
   */
  boolean isQuickEveryTime() {
    return builtIn || (isQuick() && quickStreak >= IO_THREAD_STREAK << slowCalls);
  }

  /**
   * Invokes the method and records how long it took; whatever the implementation throws is thrown
   * unchanged.
   */
  Object invoke(Object[] args) throws Throwable {
    long start = System.nanoTime();
    try {
      return handle.invokeExact(args);
    } finally {
      long took = System.nanoTime() - start;
      long average = averageNanos;
      averageNanos = average == Long.MAX_VALUE / 2 ? took : average + (took - average) / 8;
      // racy counts (a lost update at worst), as the average
      if (took < QUICK_NANOS) {
        int streak = quickStreak;
        if (streak < Integer.MAX_VALUE) {
          quickStreak = streak + 1;
        }
      } else {
        int slow = slowCalls;
        if (quickStreak >= IO_THREAD_STREAK << slow && slow < MAX_SLOW_DOUBLINGS) {
          slowCalls = slow + 1; // trusted on a shared thread, and slow there: trust comes later
        }
        quickStreak = 0;
      }
    }
  }
}
