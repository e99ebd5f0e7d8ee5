package org.witrpc.server;

import static org.witrpc.server.ServerConnection.LOG;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import org.witrpc.Status;
import org.witrpc.internal.ListenerMethods;
import org.witrpc.internal.MethodDescriptor;
import org.witrpc.internal.Route;
import org.witrpc.server.ServerConnection.State;

/**
 * The listener subscriptions of one connection, by the client's subscription id: a {@link
 * CallbackStub} each, handed to the implementation's {@code addXxx} and, when the client
 * unsubscribes or the connection ends, to the paired {@code removeXxx} ({@link ListenerMethods}).
 * At most {@code maxSubscriptions} at once; the next SUBSCRIBE is answered 400. The counterpart of
 * the client's {@code Subscriptions}.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class Subscriptions {
  private final ServerConnection connection;
  private final ServerSettings settings;
  private final Responses responses;
  private final ConcurrentHashMap<Long, CallbackStub> byId = new ConcurrentHashMap<>();

  Subscriptions(ServerConnection connection, ServerSettings settings, Responses responses) {
    this.connection = connection;
    this.settings = settings;
    this.responses = responses;
  }

  /** Hands a new stub to {@code add} and answers request {@code id}. */
  void subscribe(long id, MethodInvoker add, Route route, long subscriptionId) {
    MethodDescriptor d = add.descriptor();
    if (d.kind() != MethodDescriptor.Kind.SUBSCRIBE) {
      responses.error(
          id, Status.BAD_REQUEST, null, d.displayName() + " is not a listener add method", null);
      return;
    }
    MethodInvoker remove =
        settings
            .registry()
            .find(new Route(route.service(), ListenerMethods.removeKey(d)))
            .orElse(null);
    CallbackStub stub =
        CallbackStub.create(
            subscriptionId, d.listenerType(), connection, settings.serializer(), remove);
    String refused = null;
    synchronized (byId) { // subscribes are rare: the check and the put stay exact
      if (byId.containsKey(subscriptionId)) {
        refused = "subscription id " + subscriptionId + " in use";
      } else if (byId.size() >= settings.maxSubscriptions()) {
        refused =
            d.displayName()
                + ": too many subscriptions on this connection (limit "
                + settings.maxSubscriptions()
                + "); remove listeners that are no longer needed";
      } else {
        byId.put(subscriptionId, stub);
      }
    }
    if (refused != null) {
      responses.error(id, Status.BAD_REQUEST, null, refused, null);
      return;
    }
    try {
      add.invoke(new Object[] {stub.proxy()});
    } catch (Throwable t) {
      byId.remove(subscriptionId, stub); // the implementation did not take it
      responses.thrown(id, d, t);
      return;
    }
    responses.ok(id, d, null);
    if (connection.state() == State.CLOSED) {
      try {
        removeAll(); // answered already: nothing may be thrown from here on
      } catch (Throwable t) {
        LOG.warn(
            "{}: removing the subscriptions of a closed connection failed",
            connection.description(),
            t);
      }
    }
  }

  /**
   * Forgets subscription {@code subscriptionId} if {@code remove} is the pair of the add method
   * that made it.
   *
   * @return its stub, for {@code remove}; empty if there is no such subscription
   */
  Optional<CallbackStub> remove(MethodInvoker remove, long subscriptionId) {
    CallbackStub stub = byId.get(subscriptionId);
    if (remove.descriptor().kind() != MethodDescriptor.Kind.UNSUBSCRIBE
        || stub == null
        || stub.removeMethod() != remove
        || !byId.remove(subscriptionId, stub)) {
      return Optional.empty();
    }
    return Optional.of(stub);
  }

  /** Calls the implementation's remove method for every subscription of this connection. */
  void removeAll() {
    for (Long key : List.copyOf(byId.keySet())) {
      CallbackStub stub = byId.remove(key);
      MethodInvoker remove = stub == null ? null : stub.removeMethod();
      if (remove == null) {
        continue;
      }
      Runnable task =
          () -> {
            try {
              remove.invoke(new Object[] {stub.proxy()});
            } catch (Throwable t) {
              LOG.warn(
                  "{}: {} failed for a disconnected client",
                  connection.description(),
                  remove.descriptor(),
                  t);
            }
          };
      try {
        settings.executor().execute(task);
      } catch (RejectedExecutionException e) {
        task.run();
      }
    }
  }
}
