package org.witrpc.client;

import org.witrpc.WitTransportException;

/**
 * A call whose frame is larger than this side or the server takes (a {@code maxFrameSize}): refused
 * before any of it was sent, the connection left open. Never repeated by a {@link RetryPolicy}: the
 * same call would be refused again.
 *
 * <p>Thread safety: immutable once constructed.
 */
final class FrameTooLargeException extends WitTransportException {
  private static final long serialVersionUID = 1L;

  FrameTooLargeException(String message, Throwable cause) {
    super(message, cause);
  }
}
