package org.witrpc;

/**
 * The connection could not be made, or it dropped: the peer closed, died or sent a frame that could
 * not be trusted. Every call pending on a connection fails with this exception when it drops.
 *
 * <p>Thread safety: immutable once constructed.
 */
public class WitTransportException extends WitException {
  private static final long serialVersionUID = 1L;

  public WitTransportException(String message) {
    super(message);
  }

  public WitTransportException(String message, Throwable cause) {
    super(message, cause);
  }
}
