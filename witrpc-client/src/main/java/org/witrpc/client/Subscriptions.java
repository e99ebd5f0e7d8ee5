package org.witrpc.client;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.witrpc.internal.ListenerMethods;
import org.witrpc.internal.MethodDescriptor;

/**
 * The listener subscriptions of one client, kept across connections: the same ids and listener
 * objects are subscribed again on every new connection, so listeners keep receiving events after a
 * reconnect. They also carry the client's bound on the bytes of their callbacks waiting for
 * delivery ({@link WitClient.Builder#maxUndeliveredCallbackBytes}), which reaches every
 * connection's {@link CallbackDispatcher} with them.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class Subscriptions {
  /**
   * One {@code addXxx(listener)} call: its id, the listener, and how to repeat it.
   *
   * @param type the listener interface, or null for a {@link JsonListener}
   * @param connection the {@linkplain ClientConnection#serial serial} of the connection the server
   *     last accepted it on (a reconnect's re-subscription included); 0 before
   */
  record Subscription(
      long id,
      Object listener,
      Class<?> type,
      MethodDescriptor addMethod,
      byte[] route,
      long connection) {}

  private final AtomicLong ids = new AtomicLong();
  private final ConcurrentHashMap<Long, Subscription> byId = new ConcurrentHashMap<>();
  private final long maxUndeliveredCallbackBytes;

  /** Subscriptions whose callbacks may hold the default bound of bytes waiting. */
  Subscriptions() {
    this(WitClient.DEFAULT_MAX_UNDELIVERED_CALLBACK_BYTES);
  }

  /**
   * @param maxUndeliveredCallbackBytes most bytes of callbacks waiting for their listener on one
   *     connection (beyond one callback of any size)
   */
  Subscriptions(long maxUndeliveredCallbackBytes) {
    this.maxUndeliveredCallbackBytes = maxUndeliveredCallbackBytes;
  }

  /** Most bytes of callbacks waiting for their listener on one connection. */
  long maxUndeliveredCallbackBytes() {
    return maxUndeliveredCallbackBytes;
  }

  /** Registers a subscription and returns its new id. */
  long add(Object listener, MethodDescriptor addMethod, byte[] route) {
    long id = ids.incrementAndGet();
    Class<?> type = listener instanceof JsonListener ? null : addMethod.listenerType();
    byId.put(id, new Subscription(id, listener, type, addMethod, route, 0));
    return id;
  }

  /** Notes that the server of connection {@code serial} accepted subscription {@code id}. */
  void subscribedOn(long id, long serial) {
    byId.computeIfPresent(
        id,
        (k, s) ->
            new Subscription(s.id(), s.listener(), s.type(), s.addMethod(), s.route(), serial));
  }

  /**
   * Whether subscription {@code id} is known and the server of connection {@code serial} has it.
   */
  boolean isSubscribedOn(long id, long serial) {
    Subscription s = byId.get(id);
    return s != null && s.connection() == serial;
  }

  Optional<Subscription> get(long id) {
    return Optional.ofNullable(byId.get(id));
  }

  /**
   * The newest subscription id of exactly this listener object that {@code removeMethod} undoes
   * (made through its paired add method, see {@link ListenerMethods}), if any.
   */
  Optional<Long> find(Object listener, MethodDescriptor removeMethod) {
    return byId.entrySet().stream()
        .filter(
            e ->
                e.getValue().listener() == listener
                    && ListenerMethods.pairs(e.getValue().addMethod(), removeMethod))
        .map(Map.Entry::getKey)
        .max(Long::compare);
  }

  /**
   * Forgets subscription {@code id}.
   *
   * @return true if it was known
   */
  boolean remove(long id) {
    return byId.remove(id) != null;
  }

  /** Every subscription, oldest first (the order they are repeated in). */
  List<Subscription> all() {
    return byId.values().stream().sorted(Comparator.comparingLong(Subscription::id)).toList();
  }
}
