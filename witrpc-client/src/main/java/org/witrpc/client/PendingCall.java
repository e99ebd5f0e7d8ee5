package org.witrpc.client;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.witrpc.internal.Threads;
import org.witrpc.spi.Connection;

/**
 * One call waiting for its RESPONSE. The outcome (the response envelope, or the Throwable that
 * ended the call) is set exactly once, by the reader or by a timeout or disconnect.
 *
 * <p>A synchronous caller waits in {@link #await}: for a short budget without parking, then parked.
 * While it spins, a caller holding one of the connection's {@link SpinTurns} reads the connection
 * itself ({@link Connection#readUntil}, where the transport offers it); a caller on a platform
 * thread holding none yields its core between checks of its outcome, so that a reply read by a
 * spinner reaches it with no thread wake-up; a caller on a virtual thread holding none parks at
 * once. The completer unparks the caller only if it parked: the {@code waiter} field and the
 * outcome are both volatile, so either the caller sees the outcome before parking or the completer
 * sees the waiter (no lost wake-up). A parked caller is also woken when a spinner hands its turn
 * on.
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
  private final boolean bytesResult;
  private volatile Object outcome;
  private volatile Thread waiter;

  /**
   * @param onComplete called once by the completing thread (for asynchronous calls), or null
   */
  PendingCall(long id, Consumer<PendingCall> onComplete) {
    this(id, onComplete, false);
  }

  /**
   * @param onComplete called once by the completing thread (for asynchronous calls), or null
   * @param bytesResult the call's result is a {@code byte[]}, which a large reply's transport may
   *     receive apart ({@link ClientConnection#largeValueSpan})
   */
  PendingCall(long id, Consumer<PendingCall> onComplete, boolean bytesResult) {
    this.id = id;
    this.onComplete = onComplete;
    this.bytesResult = bytesResult;
  }

  /** Whether the call's result is a {@code byte[]}. */
  boolean bytesResult() {
    return bytesResult;
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
   * Wakes the caller waiting in {@link #await}, if the call is still pending and its caller parked;
   * true if so.
   */
  boolean wakeIfWaiting() {
    Thread w = waiter;
    if (w == null || outcome != null) {
      return false;
    }
    LockSupport.unpark(w);
    return true;
  }

  /**
   * Waits for the outcome until {@code deadlineNanos} ({@link System#nanoTime()} based), spinning
   * for at most {@code spinNanos} before it parks. While it spins, a caller that holds one of the
   * connection's {@code turns} reads the connection; a caller on a platform thread that holds none
   * checks its outcome and yields its core between checks, taking a turn as soon as one is free. A
   * caller on a virtual thread that holds none parks at once (a yield there would wake a carrier
   * thread) and takes a turn when a spinner hands one on.
   *
   * @return the outcome, null if the deadline passed first, or {@link #INTERRUPTED} if the waiting
   *     thread is interrupted (its interrupt status stays set)
   */
  Object await(Connection connection, SpinTurns turns, long spinNanos, long deadlineNanos) {
    Object o = outcome;
    if (o != null) {
      return o;
    }
    boolean waitsForTurn = false;
    if (spinNanos > 0) {
      long spinEnd = spinEnd(spinNanos, deadlineNanos);
      boolean yielding = false;
      do {
        if (turns.tryTake()) {
          o = spinTurn(connection, turns, spinEnd);
          // null: spun the whole budget, the server is slow; park from now on
          return o != null ? o : park(connection, turns, false, 0, deadlineNanos);
        }
        if ((o = outcome) != null) {
          return o;
        }
        if (!yielding) { // asked once, and only when no turn was free (not on a lone caller's path)
          if (!Threads.isPlatform()) {
            waitsForTurn = true; // a virtual thread: park until a turn is handed on
            break;
          }
          yielding = true;
        }
        if (Thread.currentThread().isInterrupted()) {
          return INTERRUPTED;
        }
        Thread.yield();
      } while (System.nanoTime() - spinEnd < 0);
    }
    return park(connection, turns, waitsForTurn, spinNanos, deadlineNanos);
  }

  /**
   * Parks until the outcome comes or the deadline passes; if {@code waitsForTurn}, queued among the
   * callers that take a turn handed on, and then spins {@code spinNanos} with it.
   */
  private Object park(
      Connection connection,
      SpinTurns turns,
      boolean waitsForTurn,
      long spinNanos,
      long deadlineNanos) {
    Object o;
    waiter = Thread.currentThread();
    if (waitsForTurn) {
      turns.queue(this);
    }
    try {
      while ((o = outcome) == null) {
        if (waitsForTurn && turns.tryTake()) {
          turns.leave(this);
          waitsForTurn = false;
          if ((o = spinTurn(connection, turns, spinEnd(spinNanos, deadlineNanos))) != null) {
            return o;
          }
          continue;
        }
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
          return null;
        }
        if (Thread.currentThread().isInterrupted()) {
          return INTERRUPTED;
        }
        LockSupport.parkNanos(this, remaining);
        if (waitsForTurn && outcome == null) {
          // A hand-on takes this caller off the queue before it wakes it; if another caller took
          // the turn first, queue again for the next one (the loop then tries once more).
          turns.leave(this);
          turns.queue(this);
        }
      }
      return o;
    } finally {
      waiter = null;
      if (waitsForTurn) {
        turns.leave(this);
      }
    }
  }

  /**
   * When a spin of {@code spinNanos} from now ends: now plus the budget, or the deadline if that is
   * sooner (compared as a difference, so that a deadline far ahead cannot overflow into the past).
   */
  private static long spinEnd(long spinNanos, long deadlineNanos) {
    long now = System.nanoTime();
    return deadlineNanos - now < spinNanos ? deadlineNanos : now + spinNanos;
  }

  /**
   * Spins for the outcome until {@code spinEnd} with a turn taken, reading the connection where the
   * transport offers it ({@link Connection#readUntil}); gives the turn back. Null if {@code
   * spinEnd} passed first.
   */
  private Object spinTurn(Connection connection, SpinTurns turns, long spinEnd) {
    boolean done = false;
    try {
      if (!connection.readUntil(this::isDone, spinEnd)) {
        while (outcome == null && System.nanoTime() - spinEnd < 0) {
          Thread.onSpinWait();
        }
      }
      Object o = outcome;
      done = o != null;
      return o;
    } finally {
      turns.release(done);
    }
  }
}
