package org.witrpc.process;

import org.witrpc.WitException;

/**
 * A worker did not start: its command could not be run, it exited before it served, or it did not
 * serve within the start timeout. The message ends with the last lines the worker printed. No
 * process is left behind.
 *
 * <p>Thread safety: immutable once constructed.
 */
public final class WorkerStartException extends WitException {
  private static final long serialVersionUID = 1L;

  WorkerStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
