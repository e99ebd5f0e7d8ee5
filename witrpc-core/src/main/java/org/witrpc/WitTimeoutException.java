package org.witrpc;

/**
 * A call got no reply within its timeout. A reply that arrives later is dropped.
 *
 * <p>Thread safety: immutable once constructed.
 */
public class WitTimeoutException extends WitException {
  private static final long serialVersionUID = 1L;

  public WitTimeoutException(String message) {
    super(message);
  }

  public WitTimeoutException(String message, Throwable cause) {
    super(message, cause);
  }
}
