package org.witrpc.server;

import static org.witrpc.server.ServerConnection.LOG;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
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
 * <p>A subscription is removed only once its {@code addXxx} has returned: an UNSUBSCRIBE (on
 * another executor thread) or the connection's end while the add runs marks it, and the SUBSCRIBE
 * hands it to {@code removeXxx} right after the add returns. A removal before the add left the
 * implementation holding a stub nothing tracked: events kept flowing to a removed listener, the
 * closed connection stayed referenced and the subscription limit no longer counted it. The
 * subscription keeps its id (and counts towards the limit) until then.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class Subscriptions {
  /** Where a subscription is in its life; it moves only forwards, by compare-and-set. */
  private enum Phase {
    /** Its {@code addXxx} runs. */
    ADDING,
    /** Added; the next removal hands it to {@code removeXxx}. */
    ADDED,
    /** Removed while its add ran: the SUBSCRIBE removes it when the add returns. */
    REMOVE_PENDING,
    /** Gone (or never taken by the implementation). */
    REMOVED
  }

  /** One subscription: its stub and its phase. */
  private static final class Subscription {
    final CallbackStub stub;
    final AtomicReference<Phase> phase = new AtomicReference<>(Phase.ADDING);

    Subscription(CallbackStub stub) {
      this.stub = stub;
    }
  }

  /**
   * What an UNSUBSCRIBE found.
   *
   * @param stub the stub to hand to {@code removeXxx} now, or null if the subscription's add still
   *     runs (its SUBSCRIBE removes it when the add returns)
   */
  record Removal(CallbackStub stub) {}

  private final ServerConnection connection;
  private final ServerSettings settings;
  private final Responses responses;
  private final ConcurrentHashMap<Long, Subscription> byId = new ConcurrentHashMap<>();

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
    Subscription sub =
        new Subscription(
            CallbackStub.create(
                subscriptionId, d.listenerType(), connection, settings.serializer(), remove));
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
        byId.put(subscriptionId, sub);
      }
    }
    if (refused != null) {
      responses.error(id, Status.BAD_REQUEST, null, refused, null);
      return;
    }
    try {
      add.invoke(new Object[] {sub.stub.proxy()});
    } catch (Throwable t) {
      sub.phase.set(Phase.REMOVED); // the implementation did not take it: nothing to remove
      byId.remove(subscriptionId, sub);
      responses.thrown(id, d, t);
      return;
    }
    if (!sub.phase.compareAndSet(Phase.ADDING, Phase.ADDED)) {
      // removed while the add ran (REMOVE_PENDING): the removal is ours to finish
      sub.phase.set(Phase.REMOVED);
      byId.remove(subscriptionId, sub);
      invokeRemove(sub.stub, "unsubscribed while it was added");
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
   * @return the stub to hand to {@code remove} now, or a removal without one if the subscription's
   *     add still runs and its SUBSCRIBE removes it; empty if there is no such subscription
   */
  Optional<Removal> remove(MethodInvoker remove, long subscriptionId) {
    Subscription sub = byId.get(subscriptionId);
    if (remove.descriptor().kind() != MethodDescriptor.Kind.UNSUBSCRIBE
        || sub == null
        || sub.stub.removeMethod() != remove) {
      return Optional.empty();
    }
    return switch (take(subscriptionId, sub)) {
      case ADDED -> Optional.of(new Removal(sub.stub));
      case ADDING -> Optional.of(new Removal(null));
      default -> Optional.empty(); // removed already, or pending removal
    };
  }

  /**
   * Takes a subscription for removal: an added one leaves {@link #byId} ({@code ADDED} returned:
   * the caller hands it to {@code removeXxx}); one whose add runs is marked for its SUBSCRIBE to
   * remove ({@code ADDING} returned); any other is someone else's to remove (its phase returned).
   */
  private Phase take(long subscriptionId, Subscription sub) {
    // a failed compare-and-set saw the phase move forwards, which it does at most twice
    for (int attempt = 0; attempt < 3; attempt++) {
      Phase phase = sub.phase.get();
      Phase next =
          switch (phase) {
            case ADDED -> Phase.REMOVED;
            case ADDING -> Phase.REMOVE_PENDING;
            default -> null;
          };
      if (next == null) {
        return phase;
      }
      if (sub.phase.compareAndSet(phase, next)) {
        if (phase == Phase.ADDED) {
          byId.remove(subscriptionId, sub);
        }
        return phase;
      }
    }
    return sub.phase.get(); // REMOVED by then
  }

  /** Calls the implementation's remove method for every subscription of this connection. */
  void removeAll() {
    for (Map.Entry<Long, Subscription> e : List.copyOf(byId.entrySet())) {
      Subscription sub = e.getValue();
      if (take(e.getKey(), sub) != Phase.ADDED || sub.stub.removeMethod() == null) {
        continue; // added and without a pair, or its SUBSCRIBE removes it after its add
      }
      Runnable task = () -> invokeRemove(sub.stub, "for a disconnected client");
      try {
        settings.executor().execute(task);
      } catch (RejectedExecutionException rejected) {
        task.run();
      }
    }
  }

  /** Hands {@code stub} to its remove method, if any; a failure is logged. */
  private void invokeRemove(CallbackStub stub, String when) {
    MethodInvoker remove = stub.removeMethod();
    if (remove == null) {
      return;
    }
    try {
      remove.invoke(new Object[] {stub.proxy()});
    } catch (Throwable t) {
      LOG.warn("{}: {} failed {}", connection.description(), remove.descriptor(), when, t);
    }
  }
}
