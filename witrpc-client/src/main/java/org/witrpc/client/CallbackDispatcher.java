package org.witrpc.client;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.Envelope;
import org.witrpc.MethodDescriptor;
import org.witrpc.Route;
import org.witrpc.WitException;
import org.witrpc.spi.Serializer;

/**
 * The client's listener subscriptions on one connection, and the delivery of CALLBACK frames to
 * them: decoded and invoked on one serial daemon thread {@code witrpc-callbacks-N} per connection,
 * in the order the server sent them, never on the transport's reader (so a listener may call the
 * server).
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class CallbackDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(CallbackDispatcher.class);
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final ConcurrentHashMap<Class<?>, Map<String, MethodDescriptor>> LISTENER_METHODS =
      new ConcurrentHashMap<>();

  private record Subscription(Object listener, Class<?> type) {}

  private final Serializer serializer;
  private final ExecutorService serial;
  private final AtomicLong ids = new AtomicLong();
  private final ConcurrentHashMap<Long, Subscription> subscriptions = new ConcurrentHashMap<>();

  CallbackDispatcher(Serializer serializer) {
    this.serializer = serializer;
    this.serial =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "witrpc-callbacks-" + THREADS.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** Registers a subscription of {@code listener} and returns its new id. */
  long add(Object listener, Class<?> type) {
    long id = ids.incrementAndGet();
    subscriptions.put(id, new Subscription(listener, type));
    return id;
  }

  /** The newest subscription id of exactly this listener object for this type, if any. */
  Optional<Long> find(Object listener, Class<?> type) {
    return subscriptions.entrySet().stream()
        .filter(e -> e.getValue().listener() == listener && e.getValue().type() == type)
        .map(Map.Entry::getKey)
        .max(Long::compare);
  }

  void remove(long id) {
    subscriptions.remove(id);
  }

  /** Queues a CALLBACK for delivery on the callback thread. */
  void deliver(Envelope callback) {
    try {
      serial.execute(() -> invoke(callback));
    } catch (RejectedExecutionException e) {
      LOG.debug("callback after close dropped");
    }
  }

  private void invoke(Envelope callback) {
    Subscription sub = subscriptions.get(callback.correlationId());
    if (sub == null) {
      LOG.debug("callback for unknown subscription #{} dropped", callback.correlationId());
      return;
    }
    MethodDescriptor d;
    Object[] args;
    try {
      Route route = Route.read(callback.body());
      d = LISTENER_METHODS.computeIfAbsent(sub.type(), MethodDescriptor::allOf).get(route.method());
      if (d == null || !route.service().equals(sub.type().getName())) {
        LOG.warn("callback {} does not match listener {}", route, sub.type().getName());
        return;
      }
      args = serializer.read(callback.body(), d.parameterTypes());
    } catch (WitException e) {
      LOG.warn("undecodable callback for subscription #{} dropped", callback.correlationId(), e);
      return;
    }
    Method m = d.method();
    try {
      m.invoke(sub.listener(), args);
    } catch (InvocationTargetException e) {
      LOG.warn("listener {} threw", d, e.getCause());
    } catch (IllegalAccessException | RuntimeException e) {
      LOG.warn("cannot invoke listener {}", d, e);
    }
  }

  /**
   * Lets callbacks already received run (for up to a second, unless called from a listener itself),
   * then ends the callback thread and forgets the subscriptions.
   */
  void close() {
    serial.shutdown();
    if (!Thread.currentThread().getName().startsWith("witrpc-callbacks-")) {
      try {
        if (!serial.awaitTermination(1, TimeUnit.SECONDS)) {
          LOG.warn("listeners still running 1 s after close; leaving them to finish");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    subscriptions.clear();
  }
}
