package org.witrpc.micrometer;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.witrpc.Status;
import org.witrpc.WitRemoteException;

/**
 * The {@code outcome} tag of a call: {@code OK}, the status of a remote failure ({@code UNKNOWN}
 * for a code that is no {@link Status}, so that a server cannot create meters without bound), or
 * the simple class name of the exception.
 *
 * <p>Thread safety: stateless.
 */
final class Outcomes {
  static final String OK = "OK";

  /** The outcome of a remote failure whose status code is no {@link Status}. */
  static final String UNKNOWN_STATUS = "UNKNOWN";

  private Outcomes() {}

  /** The outcome of a call that ended with {@code failure} (null: it succeeded). */
  static String of(Throwable failure) {
    if (failure == null) {
      return OK;
    }
    Throwable t = unwrap(failure);
    if (t instanceof WitRemoteException remote) {
      return statusName(remote.status());
    }
    return t.getClass().getSimpleName();
  }

  /** The exception inside a {@link CompletionException} or {@link ExecutionException}. */
  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static String statusName(int code) {
    try {
      return Status.of(code).name();
    } catch (IllegalArgumentException unknown) {
      return UNKNOWN_STATUS;
    }
  }
}
