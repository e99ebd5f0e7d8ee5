package org.witrpc.micrometer;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.witrpc.Status;
import org.witrpc.WitRemoteException;
import org.witrpc.server.CallContext;

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
    return className(t);
  }

  /**
   * The outcome of a server's call that ended with {@code failure} (null: it succeeded), as the
   * client is told: {@code CANCELLED} if the client gave up on it, the status of a server
   * interceptor's refusal, else the simple class name of what the method threw (a method that
   * relays another server's {@link WitRemoteException} is answered 500, not with its status).
   */
  static String ofServerCall(Throwable failure, CallContext call) {
    if (failure == null) {
      return OK;
    }
    Status status = call.answerStatus(failure);
    return status == Status.SERVER_ERROR ? className(unwrap(failure)) : status.name();
  }

  private static String className(Throwable t) {
    String simple = t.getClass().getSimpleName();
    return simple.isEmpty() ? t.getClass().getName() : simple; // an anonymous class has none
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
