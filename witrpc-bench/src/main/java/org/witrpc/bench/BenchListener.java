package org.witrpc.bench;

import org.witrpc.Listener;

/**
 * Receives the events of {@link BenchService#emit}.
 *
 * <p>Thread safety: called on the client's callback thread, in order.
 */
@Listener
public interface BenchListener {
  /** Event number {@code sequence} of a burst (1-based). */
  void onEvent(int sequence);
}
