package org.witrpc;

/**
 * The peer refused our credentials, or the channel could not be secured (handshake mismatch,
 * rejected access token, failed frame authentication).
 *
 * <p>Thread safety: immutable once constructed.
 */
public class WitSecurityException extends WitException {
  private static final long serialVersionUID = 1L;

  public WitSecurityException(String message) {
    super(message);
  }

  public WitSecurityException(String message, Throwable cause) {
    super(message, cause);
  }
}
