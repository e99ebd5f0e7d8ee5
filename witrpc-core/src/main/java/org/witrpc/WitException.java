package org.witrpc;

/**
 * Base of every exception witrpc throws. All witrpc exceptions are unchecked.
 *
 * <p>Thread safety: immutable once constructed.
 */
public class WitException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public WitException(String message) {
    super(message);
  }

  public WitException(String message, Throwable cause) {
    super(message, cause);
  }
}
