package org.witrpc.spi;

import org.witrpc.WitTransportException;

/**
 * A connection was closed because its peer took none of the bytes sent to it for the send timeout
 * ({@link TransportOptions#sendTimeout()}): a frozen, paused or hostile peer that stopped reading.
 *
 * <p>Thread safety: immutable.
 */
public class SendStalledException extends WitTransportException {
  private static final long serialVersionUID = 1L;

  /** An exception with {@code message}. */
  public SendStalledException(String message) {
    super(message);
  }
}
