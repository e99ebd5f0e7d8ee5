package org.witrpc.process;

/**
 * Where a {@link WorkerProcess} is in its life.
 *
 * <pre>
 * STARTING -&gt; RUNNING -&gt; EXITED                    (no restart policy, or stopped)
 *                     -&gt; EXITED -&gt; RESTARTING -&gt; STARTING -&gt; RUNNING ...
 *                                -&gt; FAILED          (the restart policy gave up)
 *            RUNNING -&gt; STOPPING -&gt; EXITED          (stop, kill, close)
 * </pre>
 *
 * <p>Thread safety: immutable.
 */
public enum WorkerState {
  /** The worker's process is starting; the host waits for it to serve. */
  STARTING,
  /** The worker serves; calls go through. */
  RUNNING,
  /** The host is stopping the worker. */
  STOPPING,
  /** The worker's process exited (the code is in the event). */
  EXITED,
  /** The worker died and the restart policy restarts it after its backoff. */
  RESTARTING,
  /** The worker could not be started, or the restart policy gave up. Final. */
  FAILED
}
