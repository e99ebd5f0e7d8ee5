package org.witrpc.bench;

import org.witrpc.Listener;

/**
 * Receives the events of {@link BenchService#emit} and {@link BenchService#fireTimedEvent}.
 *
 * <p>No default methods: the server's stub of a listener runs a default method locally, so the
 * event would never reach the client.
 *
 * <p>Thread safety: called on the client's callback thread, in order.
 */
@Listener
public interface BenchListener {
  /** Event number {@code sequence} of a burst (1-based). */
  void onEvent(int sequence);

  /**
   * A single event for the callback latency, sent at {@code sentNanos}: the server's {@link
   * System#nanoTime()} taken just before the callback is sent.
   */
  void onTimedEvent(long sentNanos);
}
