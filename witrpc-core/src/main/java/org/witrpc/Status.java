package org.witrpc;

/**
 * The status codes of a RESPONSE. The number is both the API value ({@link
 * WitRemoteException#status()}) and the wire value (the status field of the envelope header), so it
 * never changes once published.
 *
 * <p>Thread safety: immutable.
 */
public enum Status {
  /** The call succeeded; the body carries the result. */
  OK(200),
  /** The request could not be decoded: wrong argument types or a malformed body. */
  BAD_REQUEST(400),
  /** No such service (interface) or method on the server. */
  NOT_FOUND(404),
  /** The implementation threw; the body carries the exception's class name and message. */
  SERVER_ERROR(500),
  /**
   * The client cancelled the call (a CANCEL frame, or its connection ended): before the server
   * started it, so the server did not run it, or while it ran, and the method then failed (an
   * interrupted wait, say). The client has stopped waiting by then and drops this answer.
   */
  CANCELLED(499),
  /**
   * The server is busy (too many concurrent calls), shutting down, or not accepting connections,
   * and refused the call or the connection.
   */
  UNAVAILABLE(503),
  /**
   * The call's deadline passed before the server started it; the client reports it as {@link
   * WitTimeoutException}.
   */
  DEADLINE_EXCEEDED(504),
  /** The connection is not authorized: missing or rejected access token. */
  UNAUTHORIZED(561);

  private final int code;

  Status(int code) {
    this.code = code;
  }

  /** The stable numeric code, as sent on the wire. */
  public int code() {
    return code;
  }

  /**
   * The status with this code.
   *
   * @throws IllegalArgumentException if no status has this code
   */
  public static Status of(int code) {
    for (Status s : values()) {
      if (s.code == code) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown status code " + code);
  }
}
