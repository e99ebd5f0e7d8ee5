package org.witrpc.bench;

import org.witrpc.Listener;

/**
 * Receives the progress of the demo worker's long computation.
 *
 * <p>Thread safety: the client calls it on its callback thread, one event at a time, in order.
 */
@Listener
public interface DemoProgressListener {
  /** {@code percent} of the computation is done (0 to 100). */
  void onProgress(int percent);
}
