package org.witrpc.cli;

import org.witrpc.WitRemoteException;
import org.witrpc.WitSecurityException;
import org.witrpc.WitTimeoutException;
import org.witrpc.WitTransportException;

/**
 * The exit codes of {@code witrpc}, which scripts may rely on, and the one-line message of a
 * failure.
 *
 * <p>Thread safety: stateless.
 */
final class ExitCode {
  /** Done. */
  static final int OK = 0;

  /**
   * The server answered with an error status (the method threw, a bad argument, no such method), or
   * an answer that is wrong (a description with a malformed method key).
   */
  static final int REMOTE_ERROR = 1;

  /** Bad command line: unknown option, a value that is not JSON, an unknown service name. */
  static final int USAGE = 2;

  /** No server at the URI, the connection was lost, or the server refused new connections. */
  static final int CANNOT_CONNECT = 3;

  /** The server did not answer within {@code --timeout}. */
  static final int TIMEOUT = 4;

  /** The server refused the access token or the settings (serializer, encryption). */
  static final int REFUSED = 5;

  /** The server has reflection off, and the command needs it. */
  static final int REFLECTION_OFF = 6;

  private ExitCode() {}

  /** The exit code for a failure. */
  static int of(Throwable e) {
    if (e instanceof CliFailure f) {
      return f.exitCode();
    }
    if (e instanceof IllegalArgumentException) {
      return USAGE;
    }
    if (e instanceof WitTimeoutException) {
      return TIMEOUT;
    }
    if (e instanceof WitSecurityException) {
      return REFUSED;
    }
    if (e instanceof WitTransportException) {
      return CANNOT_CONNECT;
    }
    return REMOTE_ERROR;
  }

  /** One line saying what failed and, where there is one, the fix. */
  static String message(Throwable e) {
    if (e instanceof CliFailure) {
      return e.getMessage();
    }
    if (e instanceof WitRemoteException) {
      String first = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      return first + " (the server's answer)"; // the stack trace, if sent, is not one line
    }
    String message = oneLine(e);
    if (e instanceof WitTimeoutException) {
      return message + " (the server is slow or stuck: raise --timeout to wait longer)";
    }
    if (e instanceof WitTransportException) {
      return message + " (`witrpc list` shows the servers of this machine)";
    }
    return message;
  }

  /** The exception's message on one line (or its class name if it has none). */
  static String oneLine(Throwable e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return e.getClass().getName();
    }
    return message.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
