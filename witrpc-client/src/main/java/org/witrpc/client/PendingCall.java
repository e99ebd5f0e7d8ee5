package org.witrpc.client;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.witrpc.spi.Connection;

/**
 * One call waiting for its RESPONSE. The outcome (the response envelope, or the Throwable that
 * ended the call) is set exactly once, by the reader or by a timeout or disconnect.
 *
 * <p>A synchronous caller waits in {@link #await}: first by reading the connection itself ({@link
 * Connection#readUntil}, where the transport offers it), then by spinning for a short budget, then
 * by parking. The completer unparks the caller only if it parked: the {@code waiter} field and the
 * outcome are both volatile, so either the caller sees the outcome before parking or the completer
 * sees the waiter (no lost wake-up).
 *
 * <p>Thread safety: safe for one waiting thread and any number of completing threads.
 */
final class PendingCall {
  private static final VarHandle OUTCOME;

  static {
    try {
      OUTCOME = MethodHandles.lookup().findVarHandle(PendingCall.class, "outcome", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Returned by {@link #await} when the waiting thread is interrupted (its status stays set). */
  static final Object INTERRUPTED = new Object();

  private final long id;
  private final Consumer<PendingCall> onComplete;
  private volatile Object outcome;
  private volatile Thread waiter;

  /**
   * @param onComplete called once by the completing thread (for asynchronous calls), or null
   */
  PendingCall(long id, Consumer<PendingCall> onComplete) {
    this.id = id;
    this.onComplete = onComplete;
  }

  long id() {
    return id;
  }

  boolean isDone() {
    return outcome != null;
  }

  /** The envelope or Throwable that ended the call; null while pending. */
  Object outcome() {
    return outcome;
  }

  /** Sets the outcome if none is set yet; returns true if this call set it. */
  boolean complete(Object result) {
    if (!OUTCOME.compareAndSet(this, null, result)) {
      return false;
    }
    Thread w = waiter;
    if (w != null) {
      LockSupport.unpark(w);
    }
    if (onComplete != null) {
      onComplete.accept(this);
    }
    return true;
  }

  /**
   * Waits for the outcome until {@code deadlineNanos} ({@link System#nanoTime()} based).
   *
   * @return the outcome, null if the deadline passed first, or {@link #INTERRUPTED} if the waiting
   *     thread is interrupted (its interrupt status stays set)
   */
  Object await(Connection connection, long spinNanos, long deadlineNanos) {
    Object o = outcome;
    if (o != null) {
      return o;
    }
    long spinEnd = Math.min(System.nanoTime() + spinNanos, deadlineNanos);
    if (spinNanos > 0 && connection.readUntil(this::isDone, spinEnd)) {
      return outcome;
    }
    while ((o = outcome) == null && System.nanoTime() - spinEnd < 0) {
      Thread.onSpinWait();
    }
    if (o != null) {
      return o;
    }
    waiter = Thread.currentThread();
    try {
      while ((o = outcome) == null) {
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
          return null;
        }
        if (Thread.currentThread().isInterrupted()) {
          return INTERRUPTED;
        }
        LockSupport.parkNanos(this, remaining);
      }
      return o;
    } finally {
      waiter = null;
    }
  }
}
