package org.witrpc.client;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many callers of one connection may read it while they wait for their replies ({@link
 * org.witrpc.spi.Connection#readUntil}) at a time. A reading caller delivers every reply it reads,
 * its own and the other callers', so one reader serves them all; the others wait without reading
 * ({@link PendingCall#await}: a platform thread yields its core between checks of its outcome, a
 * virtual thread parks). More readers than spare cores would only take the cores the server and the
 * reader need.
 *
 * <p>A caller that gets its reply while reading hands its turn on: it wakes one parked caller that
 * still waits for a turn, which takes it unless another caller took it first. A caller whose spin
 * budget ran out does not (the server is slow: spinning on would only burn a core).
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class SpinTurns {
  /** Spinners per connection: the cores left over by the server's spinning reader, at least one. */
  static final int DEFAULT_LIMIT = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);

  private final int limit;
  private final AtomicInteger taken = new AtomicInteger();
  private final ConcurrentLinkedQueue<PendingCall> parked = new ConcurrentLinkedQueue<>();

  SpinTurns(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1: " + limit);
    }
    this.limit = limit;
  }

  /** Takes a turn if fewer than the limit are taken; true if taken. */
  boolean tryTake() {
    for (int n = taken.get(); n < limit; n = taken.get()) {
      if (taken.compareAndSet(n, n + 1)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Gives a turn back.
   *
   * @param handOn true if the caller got its reply (replies are flowing): a parked caller still
   *     waiting is woken to take the turn
   */
  void release(boolean handOn) {
    taken.decrementAndGet();
    if (!handOn) {
      return;
    }
    // After the decrement (Dekker with a caller's queue-then-tryTake): either that caller's second
    // try finds the turn free, or this poll finds it queued.
    for (PendingCall next = parked.poll(); next != null; next = parked.poll()) {
      if (next.wakeIfWaiting()) {
        return;
      }
    }
  }

  /**
   * Enters {@code call} among the parked callers that want a turn; the caller must try {@link
   * #tryTake} once more afterwards, and {@link #leave} when it stops waiting.
   */
  void queue(PendingCall call) {
    parked.add(call);
  }

  /** Removes {@code call} from the parked callers (no-op if it is not there). */
  void leave(PendingCall call) {
    parked.remove(call);
  }

  /** Turns taken now (for tests). */
  int taken() {
    return taken.get();
  }

  /** Parked callers queued for a turn now (for tests). */
  int queued() {
    return parked.size();
  }
}
