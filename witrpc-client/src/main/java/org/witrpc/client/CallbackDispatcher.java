package org.witrpc.client;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.WitException;
import org.witrpc.internal.Envelope;
import org.witrpc.internal.EnvelopeCodec;
import org.witrpc.internal.JacksonSerializer;
import org.witrpc.internal.MethodDescriptor;
import org.witrpc.internal.Route;
import org.witrpc.spi.Serializer;
import org.witrpc.spi.ValueSpan;

/**
 * The delivery of one connection's CALLBACK frames to the client's {@link Subscriptions}: decoded
 * and invoked on one serial daemon thread {@code witrpc-callbacks-N} per connection ({@link
 * CallbackThread}: it spins for the next callback before it parks, reading the connection itself
 * meanwhile where the transport lets it), in the order the server sent them, never on the
 * transport's reader (so a listener may call the server).
 *
 * <p>At most {@code maxUndelivered} callbacks wait (received, their listener not yet returned),
 * holding at most {@code maxUndeliveredBytes} of frames beyond one callback of any size (each holds
 * its whole frame, up to the maximum frame size): when a slow listener lets more pile up, the
 * connection is closed with an error log line naming the count or the bytes, the waiting callbacks
 * are dropped, and the client's reconnect policy (if any) takes over; the reader is never blocked
 * and the queue never grows without bound. The count and the bytes are two atomic counters, no lock
 * per callback. Whatever decoding or a listener throws, an {@link Error} included, is logged and
 * that callback dropped; the thread delivers the next one.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class CallbackDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(CallbackDispatcher.class);
  private static final ConcurrentHashMap<Class<?>, Map<String, MethodDescriptor>> LISTENER_METHODS =
      new ConcurrentHashMap<>();

  private final Serializer serializer;
  private final Subscriptions subscriptions;
  private final int maxUndelivered;
  private final long maxUndeliveredBytes;
  private final Consumer<String> overflow;
  private final CallbackThread serial;

  /** Callbacks received whose listener has not returned yet. */
  private final AtomicInteger undelivered = new AtomicInteger();

  /** The bytes of their frames. */
  private final AtomicLong undeliveredBytes = new AtomicLong();

  /** Set once the queue overflowed: the callbacks still queued are dropped. */
  private volatile boolean dropping;

  /**
   * @param subscriptions the client's subscriptions, which carry the most bytes of callbacks
   *     waiting for delivery ({@link Subscriptions#maxUndeliveredCallbackBytes})
   * @param maxUndelivered most callbacks waiting for delivery
   * @param overflow closes the connection, given the reason, when more wait
   * @param idleReader reads the connection on the callback thread while it spins for the next
   *     callback
   */
  CallbackDispatcher(
      Serializer serializer,
      Subscriptions subscriptions,
      int maxUndelivered,
      Consumer<String> overflow,
      CallbackThread.SpinReader idleReader) {
    this.serial = new CallbackThread(idleReader);
    this.serializer = serializer;
    this.subscriptions = subscriptions;
    this.maxUndelivered = maxUndelivered;
    this.maxUndeliveredBytes = subscriptions.maxUndeliveredCallbackBytes();
    this.overflow = overflow;
  }

  /**
   * The methods of a listener interface, made accessible so that a non-public interface works too
   * (on the class path; in a named module its package must be open to {@code org.witrpc.client}).
   *
   * @throws IllegalArgumentException if they cannot be made accessible, naming the interface
   */
  static Map<String, MethodDescriptor> listenerMethods(Class<?> listenerType) {
    return LISTENER_METHODS.computeIfAbsent(
        listenerType,
        type -> {
          Map<String, MethodDescriptor> methods = MethodDescriptor.allOf(type);
          for (MethodDescriptor d : methods.values()) {
            if (!d.method().trySetAccessible()) {
              throw new IllegalArgumentException(
                  "listener interface "
                      + type.getName()
                      + " is not accessible to witrpc: make it public, or open its package to"
                      + " module org.witrpc.client");
            }
          }
          return methods;
        });
  }

  /**
   * Where a CALLBACK arriving in a large frame has a large {@code byte[]} argument that its
   * listener's decoder takes as the transport receives it ({@link
   * org.witrpc.spi.FrameListener#largeValueSpan}), as a span of the frame; null if none: an unknown
   * subscription, a {@link DynamicClient} (JSON) listener, a route that is not one of the
   * listener's methods, or not witrpc's MessagePack. Called on the transport's reader.
   *
   * @param head the CALLBACK's envelope, its body only the frame's first bytes
   * @param frameLength the whole frame's length
   */
  ValueSpan largeValueSpan(Envelope head, int frameLength) {
    Subscriptions.Subscription sub = subscriptions.get(head.correlationId()).orElse(null);
    if (sub == null || sub.listener() instanceof JsonListener) {
      return null;
    }
    ByteBuffer body = head.body();
    try {
      MethodDescriptor d = listenerMethod(sub, Route.read(body));
      ValueSpan inBody =
          d == null ? null : JacksonSerializer.largeBytesSpan(serializer, body, d.parameterTypes());
      return inBody == null
          ? null
          : EnvelopeCodec.spanInFrame(
              EnvelopeCodec.HEADER_SIZE + body.position(), inBody, frameLength);
    } catch (WitException cutShortOrMalformed) {
      return null; // received whole; its delivery says what is wrong with it
    }
  }

  /** The listener method a CALLBACK's route names, or null if it names none of {@code sub}'s. */
  private static MethodDescriptor listenerMethod(Subscriptions.Subscription sub, Route route) {
    MethodDescriptor d = listenerMethods(sub.type()).get(route.method());
    return d == null || !route.service().equals(sub.type().getName()) ? null : d;
  }

  /**
   * Queues a CALLBACK for delivery on the callback thread; if {@code maxUndelivered} are waiting
   * already, or it would take the bytes waiting past {@code maxUndeliveredBytes} (and others wait),
   * drops it and has the connection closed instead (once).
   */
  void deliver(Envelope callback) {
    if (dropping) {
      return;
    }
    long size = sizeOf(callback);
    int waiting = undelivered.incrementAndGet();
    long bytes = undeliveredBytes.addAndGet(size);
    if (waiting > maxUndelivered || (bytes > maxUndeliveredBytes && waiting > 1)) {
      undelivered.decrementAndGet();
      undeliveredBytes.addAndGet(-size);
      overflowed(
          waiting > maxUndelivered
              ? waiting + " callbacks undelivered (limit " + maxUndelivered + ")"
              : bytes
                  + " bytes in "
                  + waiting
                  + " callbacks undelivered (limit "
                  + maxUndeliveredBytes
                  + " bytes)");
      return;
    }
    try {
      serial.execute(() -> run(callback, size));
    } catch (RejectedExecutionException e) {
      undelivered.decrementAndGet();
      undeliveredBytes.addAndGet(-size);
      LOG.debug("callback after close dropped");
    }
  }

  /** The bytes a waiting callback holds: its frame, with a value received apart. */
  private static long sizeOf(Envelope callback) {
    long size = EnvelopeCodec.HEADER_SIZE + (long) callback.body().remaining();
    return callback.received() == null ? size : size + callback.received().bytes().length;
  }

  private void overflowed(String what) {
    if (dropping) {
      return;
    }
    dropping = true;
    String reason = "listener too slow: " + what + "; closing the connection";
    LOG.error(reason);
    overflow.accept(reason);
  }

  /** The callback thread, once started (for tests). */
  Thread threadForTests() {
    return serial.threadForTests();
  }

  /** Number of callbacks received whose listener has not returned yet (for tests). */
  int undelivered() {
    return undelivered.get();
  }

  /** The bytes of the callbacks received whose listener has not returned yet (for tests). */
  long undeliveredBytes() {
    return undeliveredBytes.get();
  }

  private void run(Envelope callback, long size) {
    try {
      if (!dropping) {
        invoke(callback);
      }
    } catch (Throwable t) {
      LOG.error("callback for subscription #{} failed; dropped", callback.correlationId(), t);
    } finally {
      undelivered.decrementAndGet();
      undeliveredBytes.addAndGet(-size);
    }
  }

  private void invoke(Envelope callback) {
    Subscriptions.Subscription sub = subscriptions.get(callback.correlationId()).orElse(null);
    if (sub == null) {
      LOG.debug("callback for unknown subscription #{} dropped", callback.correlationId());
      return;
    }
    if (sub.listener() instanceof JsonListener json) {
      invoke(callback, json);
      return;
    }
    MethodDescriptor d;
    Object[] args;
    try {
      Route route = Route.read(callback.body());
      d = listenerMethod(sub, route);
      if (d == null) {
        LOG.warn("callback {} does not match listener {}", route, sub.type().getName());
        return;
      }
      args =
          JacksonSerializer.read(
              serializer, callback.body(), d.parameterTypes(), callback.received());
    } catch (WitException | StackOverflowError e) {
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

  /** Delivers a CALLBACK to a {@link DynamicClient} subscription, its arguments as JSON. */
  private void invoke(Envelope callback, JsonListener listener) {
    Optional<JsonListener.Event> event;
    try {
      // largeValueSpan names no span for a JSON listener; should one come apart, put it together
      ByteBuffer body =
          callback.received() == null
              ? callback.body()
              : callback.received().whole(callback.body());
      Route route = Route.read(body);
      event = listener.decode(route, body, serializer);
      if (event.isEmpty()) {
        LOG.warn("callback {} does not match {}", route, listener);
        return;
      }
    } catch (WitException | StackOverflowError e) {
      LOG.warn("undecodable callback for subscription #{} dropped", callback.correlationId(), e);
      return;
    }
    try {
      listener.deliver(event.get());
    } catch (RuntimeException e) {
      LOG.warn("{} threw", listener, e);
    }
  }

  /**
   * Ends the callback thread once the callbacks already received have run; returns at once. The
   * subscriptions stay (they are the client's, repeated on the next connection). Called by the
   * transport's reader when the connection ends, so it never waits for a listener: a listener may
   * be the one closing the client, waiting for that reader.
   */
  void close() {
    serial.shutdown();
  }

  /**
   * Waits up to a second for the listeners still running after {@link #close()}, unless called from
   * a listener itself.
   */
  void awaitListeners() {
    if (!Thread.currentThread().getName().startsWith("witrpc-callbacks-")) {
      try {
        if (!serial.awaitTermination(1, TimeUnit.SECONDS)) {
          LOG.warn("listeners still running 1 s after close; leaving them to finish");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
