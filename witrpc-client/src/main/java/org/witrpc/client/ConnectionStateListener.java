package org.witrpc.client;

import java.util.Optional;

/**
 * Observes the {@link ConnectionState} of a {@link WitClient} ({@link
 * WitClient#onStateChange(ConnectionStateListener)}).
 *
 * <p>Thread safety: called on the client's event thread {@code witrpc-client-events-N}, one change
 * at a time, in order, never while a witrpc lock is held. A listener may call the client, but
 * should return quickly: later changes wait for it.
 */
@FunctionalInterface
public interface ConnectionStateListener {
  /**
   * The state changed from {@code previous} to {@code current}.
   *
   * @param cause why, where there is a reason: the lost connection's exception (naming the server's
   *     GOODBYE reason, if it sent one), the last failed attempt for FAILED, the failed connect for
   *     DISCONNECTED
   */
  void onStateChange(ConnectionState previous, ConnectionState current, Optional<Throwable> cause);
}
