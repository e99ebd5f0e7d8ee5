package org.witrpc.client;

import org.witrpc.WitTransportException;

/**
 * A call failed before its frame was handed to the transport (not connected, or the transport
 * refused the frame for another reason than its size, {@link FrameTooLargeException}), so the
 * server surely never saw it: a {@link RetryPolicy} may repeat it.
 *
 * <p>Thread safety: immutable once constructed.
 */
final class UnsentCallException extends WitTransportException {
  private static final long serialVersionUID = 1L;

  UnsentCallException(String message, Throwable cause) {
    super(message, cause);
  }
}
