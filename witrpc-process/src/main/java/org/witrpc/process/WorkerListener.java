package org.witrpc.process;

/**
 * Told of every state change of a {@link WorkerProcess}, in order, on the worker's supervising
 * thread (or the thread that started or stopped it): return quickly, and do not wait there for the
 * worker itself. A listener that throws, an {@link Error} too, is logged at WARN and changes
 * nothing: the worker is restarted, stopped or ended as it would have been.
 *
 * <p>Thread safety: one listener may be told of the events of several workers (a pool's) from their
 * threads at once: it must be thread-safe.
 */
@FunctionalInterface
public interface WorkerListener {
  /** The worker changed its state. */
  void onEvent(WorkerEvent event);
}
