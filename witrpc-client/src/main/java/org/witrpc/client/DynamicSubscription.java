package org.witrpc.client;

/**
 * A listener subscribed through {@link DynamicClient#subscribe}: its events arrive until {@link
 * #close()}. Like a typed listener it is subscribed again after a reconnect (with {@link
 * WitClient.Builder#autoReconnect}).
 *
 * <p>Thread safety: safe for concurrent use; {@code close} is idempotent.
 */
public interface DynamicSubscription extends AutoCloseable {

  /** The fully qualified name of the listener interface whose events this subscription gets. */
  String listenerInterface();

  /**
   * Unsubscribes through the add method's paired remove method ({@code removeXxx} for {@code
   * addXxx}) and returns once the server has removed the listener; events already on their way may
   * still arrive. While the client is not connected it is only forgotten (the server dropped it
   * with the connection). Idempotent.
   *
   * @throws org.witrpc.WitException if the server's remove method fails or does not answer in time
   */
  @Override
  void close();
}
