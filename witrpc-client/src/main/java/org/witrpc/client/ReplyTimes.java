package org.witrpc.client;

/**
 * How long replies on one connection took lately, for the spin budget of its waiting callers when
 * the client's budget is the default ({@link WitClient.Builder#spinBudget}). A caller spins for
 * half as long again as the recent average reply, when that is more than the base budget and at
 * most {@link #MAX_SPIN_NANOS}; so a reply that usually comes a little after the base budget (a
 * server on a slower transport, an EXECUTOR-dispatched method, a loaded machine) costs the caller
 * no thread wake-up, and a server whose replies take longer than that is waited for parked, after
 * the base budget, as before.
 *
 * <p>The average is exponentially weighted (each reply counts one eighth), over replies to
 * synchronous calls only, timed from the end of the send to the caller's return; one reply counts
 * as at most {@code 4 x MAX_SPIN_NANOS}, so one slow call stops the extra spin only for a few
 * calls.
 *
 * <p>Thread safety: safe for concurrent use; an update that races another may be lost, which only
 * slows the average down.
 */
final class ReplyTimes {
  /** Longest spin this adapts to: longer replies are waited for parked. */
  static final long MAX_SPIN_NANOS = 250_000;

  private static final long MAX_SAMPLE_NANOS = 4 * MAX_SPIN_NANOS;

  private volatile long averageNanos; // 0: no reply yet

  /** Counts a reply that came {@code nanos} after its request was sent. */
  void record(long nanos) {
    long sample = Math.max(0, Math.min(nanos, MAX_SAMPLE_NANOS));
    long average = averageNanos;
    averageNanos = average == 0 ? Math.max(1, sample) : average + (sample - average) / 8;
  }

  /**
   * The spin budget for the next caller: {@code baseNanos}, or more if recent replies took longer
   * than that but no longer than {@link #MAX_SPIN_NANOS} allows.
   */
  long spinNanos(long baseNanos) {
    long average = averageNanos;
    long wanted = average + average / 2;
    return wanted > baseNanos && wanted <= MAX_SPIN_NANOS ? wanted : baseNanos;
  }

  /** The recent average reply time (for tests); 0 before the first reply. */
  long averageNanos() {
    return averageNanos;
  }
}
