package org.witrpc;

import java.util.Objects;
import java.util.Optional;

/**
 * The server answered a call with an error: the method or service does not exist (404), the
 * arguments could not be decoded (400), the implementation threw (500), or the connection is not
 * authorized (561). Carries the stable {@link #status()} and, for 500, the class name and message
 * of the exception thrown on the server.
 *
 * <p>Thread safety: immutable once constructed.
 */
public class WitRemoteException extends WitException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String remoteClassName;
  private final String remoteMessage;
  private final String remoteStackTrace;

  /**
   * @param status the status code ({@link Status#code()})
   * @param remoteClassName class name of the exception thrown on the server, or null
   * @param remoteMessage the server's message, or null
   * @param remoteStackTrace the server's stack trace as text when the server opted in, or null
   */
  public WitRemoteException(
      int status, String remoteClassName, String remoteMessage, String remoteStackTrace) {
    this(null, status, remoteClassName, remoteMessage, remoteStackTrace);
  }

  /**
   * As {@link #WitRemoteException(int, String, String, String)}, with the message prefixed by the
   * method that was called, for example {@code "Calculator.add(int, int): remote status 500: ..."}.
   *
   * @param method the called method's display name, or null
   */
  public WitRemoteException(
      String method,
      int status,
      String remoteClassName,
      String remoteMessage,
      String remoteStackTrace) {
    super(
        (method == null ? "" : method + ": ")
            + describe(status, remoteClassName, remoteMessage, remoteStackTrace));
    this.status = status;
    this.remoteClassName = remoteClassName;
    this.remoteMessage = remoteMessage;
    this.remoteStackTrace = remoteStackTrace;
  }

  private static String describe(int status, String cls, String msg, String trace) {
    StringBuilder sb = new StringBuilder().append("remote status ").append(status);
    if (cls != null) {
      sb.append(": ").append(cls);
    }
    if (msg != null) {
      sb.append(": ").append(msg);
    }
    if (trace != null && !trace.isEmpty()) {
      sb.append(System.lineSeparator())
          .append("remote stack trace:")
          .append(System.lineSeparator());
      sb.append(trace);
    }
    return sb.toString();
  }

  /** The stable status code, for example 404 or 500. */
  public int status() {
    return status;
  }

  /** Class name of the exception thrown on the server, if there was one. */
  public Optional<String> remoteClassName() {
    return Optional.ofNullable(remoteClassName);
  }

  /** The message of the server-side error, if any. */
  public Optional<String> remoteMessage() {
    return Optional.ofNullable(remoteMessage);
  }

  /** The server's stack trace as text, if the server opted in to sending it. */
  public Optional<String> remoteStackTrace() {
    return Optional.ofNullable(remoteStackTrace);
  }

  /** True if this exception carries the given status. */
  public boolean is(Status s) {
    return Objects.requireNonNull(s, "s == null").code() == status;
  }
}
