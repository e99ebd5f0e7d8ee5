package org.witrpc.process;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * A change of a worker's {@link WorkerState}, as {@link WorkerListener}s see it.
 *
 * @param worker the worker's name
 * @param state the new state
 * @param exitCode the process's exit code, for {@link WorkerState#EXITED}
 * @param detail why, in words (the exit's cause, the restart's attempt, the failure), or empty
 *     <p>Thread safety: immutable.
 */
public record WorkerEvent(String worker, WorkerState state, OptionalInt exitCode, String detail) {
  /** Checks the fields. */
  public WorkerEvent {
    Objects.requireNonNull(worker, "worker == null");
    Objects.requireNonNull(state, "state == null");
    Objects.requireNonNull(exitCode, "exitCode == null");
    Objects.requireNonNull(detail, "detail == null");
  }

  @Override
  public String toString() {
    return worker
        + " "
        + state
        + (exitCode.isPresent() ? "(" + exitCode.getAsInt() + ")" : "")
        + (detail.isEmpty() ? "" : ": " + detail);
  }
}
