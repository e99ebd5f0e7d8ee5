package org.witrpc.internal;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.witrpc.spi.SendStalledException;

/**
 * How long one send may wait for a peer that takes no bytes: until the caller's deadline, until the
 * caller's thread is interrupted, and never longer than the connection's send timeout without
 * progress. A transport creates one per send that has to wait (a full socket buffer, a full ring),
 * reports every byte the peer takes with {@link #progress()}, and asks {@link #waitNanos()} before
 * each wait.
 *
 * <ul>
 *   <li>The caller gives up ({@link GiveUp}) when its deadline passes or its thread is interrupted
 *       (the interrupt status stays set). The transport then withdraws the frame if none of it is
 *       written yet, or finishes it in the background (a frame cannot be taken back half-way).
 *   <li>The peer is stalled ({@link SendStalledException}) when it has taken no bytes for the send
 *       timeout: the transport closes the connection, so that a frozen peer stalls no one for
 *       longer than that.
 * </ul>
 *
 * <p>Thread safety: not thread-safe; one instance per send, used by the thread that sends.
 */
public final class SendBudget {

  /** The caller gave up waiting: its deadline passed or its thread was interrupted. */
  public static final class GiveUp extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean interrupted;

    private GiveUp(boolean interrupted) {
      super(interrupted ? "interrupted" : "deadline passed", null, false, false);
      this.interrupted = interrupted;
    }

    /** True if the caller's thread was interrupted, false if its deadline passed. */
    public boolean interrupted() {
      return interrupted;
    }
  }

  private final long deadlineNanos;
  private final boolean hasDeadline;
  private final boolean interruptible;
  private final long sendTimeoutNanos;
  private long lastProgressNanos;

  private SendBudget(
      long deadlineNanos, boolean hasDeadline, boolean interruptible, long sendTimeoutNanos) {
    this.deadlineNanos = deadlineNanos;
    this.hasDeadline = hasDeadline;
    this.interruptible = interruptible;
    this.sendTimeoutNanos = sendTimeoutNanos;
    this.lastProgressNanos = System.nanoTime();
  }

  /**
   * The budget of a caller that waits until {@code deadlineNanos} ({@link System#nanoTime()} based)
   * or its interrupt, whichever comes first.
   */
  public static SendBudget until(long deadlineNanos, Duration sendTimeout) {
    return new SendBudget(deadlineNanos, true, true, sendTimeout.toNanos());
  }

  /** The budget of a caller with no deadline that gives up only when interrupted. */
  public static SendBudget untilInterrupted(Duration sendTimeout) {
    return new SendBudget(0, false, true, sendTimeout.toNanos());
  }

  /**
   * The budget of a transport's own thread that finishes a frame a caller gave up on: it never
   * gives up, it only ends when the peer stalls.
   */
  public static SendBudget background(Duration sendTimeout) {
    return new SendBudget(0, false, false, sendTimeout.toNanos());
  }

  /**
   * Takes {@code turn} (a connection's send role, one permit) for a sender: at once if it is free,
   * else waiting no later than {@code deadlineNanos} (when {@code hasDeadline}) and not after an
   * interrupt of the calling thread (its interrupt status stays set). The holder of the turn is
   * bounded by its own budget, so a sender without a deadline never waits forever either.
   *
   * @return true if the turn is taken; false if the caller gives up
   */
  public static boolean takeTurn(Semaphore turn, long deadlineNanos, boolean hasDeadline) {
    if (turn.tryAcquire()) {
      return true;
    }
    try {
      if (!hasDeadline) {
        turn.acquire();
        return true;
      }
      return turn.tryAcquire(deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the caller decides; the connection is untouched
      return false;
    }
  }

  /** The peer took bytes just now: the send timeout counts from here. */
  public void progress() {
    lastProgressNanos = System.nanoTime();
  }

  /**
   * How long the sender may block now before it must look again (always positive).
   *
   * @throws GiveUp if the caller's deadline has passed or its thread is interrupted
   * @throws SendStalledException if the peer has taken no bytes for the send timeout
   */
  public long waitNanos() {
    if (interruptible && Thread.currentThread().isInterrupted()) {
      throw new GiveUp(true);
    }
    long now = System.nanoTime();
    long wait = sendTimeoutNanos - (now - lastProgressNanos);
    if (wait <= 0) {
      throw new SendStalledException(
          "the peer took no bytes for "
              + TimeUnit.NANOSECONDS.toMillis(sendTimeoutNanos)
              + " ms (the send timeout)");
    }
    if (hasDeadline) {
      long left = deadlineNanos - now;
      if (left <= 0) {
        throw new GiveUp(false);
      }
      wait = Math.min(wait, left);
    }
    return wait;
  }
}
