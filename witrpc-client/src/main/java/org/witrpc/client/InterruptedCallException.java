package org.witrpc.client;

import org.witrpc.WitException;

/**
 * A call abandoned because its caller's thread was interrupted while it waited to send or for the
 * reply. The interrupt status stays set; the connection stays usable (a reply that comes later is
 * dropped). Never retried.
 *
 * <p>Thread safety: immutable once constructed.
 */
final class InterruptedCallException extends WitException {
  private static final long serialVersionUID = 1L;

  InterruptedCallException(String message) {
    super(message);
  }
}
