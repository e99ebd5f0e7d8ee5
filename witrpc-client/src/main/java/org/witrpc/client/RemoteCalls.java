package org.witrpc.client;

import java.lang.reflect.Type;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.witrpc.Envelope;
import org.witrpc.FrameBuffer;
import org.witrpc.MessageType;
import org.witrpc.MethodDescriptor;
import org.witrpc.Status;
import org.witrpc.WitException;
import org.witrpc.WitRemoteException;
import org.witrpc.WitSecurityException;
import org.witrpc.WitSerializationException;
import org.witrpc.WitTimeoutException;
import org.witrpc.WitTransportException;
import org.witrpc.spi.Serializer;

/**
 * Sends requests and turns their responses into results or exceptions: synchronously (the caller
 * waits in {@link PendingCall#await}), asynchronously (a future completed on the client's async
 * executor, never on the transport's reader), and for listener subscriptions.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class RemoteCalls {
  private static final Type[] SUBSCRIPTION_TYPES = {long.class};
  private static final Type[] ERROR_TYPES = {String.class, String.class, String.class};

  private final Supplier<ClientConnection> connections;
  private final Serializer serializer;
  private final long timeoutNanos;
  private final long spinNanos;
  private final ExecutorService asyncExecutor;
  private final ScheduledExecutorService timer;

  RemoteCalls(
      Supplier<ClientConnection> connections,
      Serializer serializer,
      long timeoutNanos,
      long spinNanos,
      ExecutorService asyncExecutor,
      ScheduledExecutorService timer) {
    this.connections = connections;
    this.serializer = serializer;
    this.timeoutNanos = timeoutNanos;
    this.spinNanos = spinNanos;
    this.asyncExecutor = asyncExecutor;
    this.timer = timer;
  }

  /** Calls and waits for the result. */
  Object call(MethodDescriptor d, byte[] route, Object[] args) {
    ClientConnection cc = connections.get();
    long deadline = System.nanoTime() + timeoutNanos;
    PendingCall call = cc.pending().register(null);
    send(cc, call, d, MessageType.REQUEST, route, args, d.parameterTypes());
    Object outcome = call.await(cc.connection(), spinNanos, deadline);
    if (outcome == null) {
      cc.pending().remove(call.id());
      if (!call.complete(timeout(d))) {
        outcome = call.outcome(); // the reply raced the timeout: take it
      } else {
        throw timeout(d);
      }
    }
    return result(d, outcome);
  }

  /** Calls and returns at once; the future completes on the async executor. */
  CompletableFuture<Object> callAsync(MethodDescriptor d, byte[] route, Object[] args) {
    ClientConnection cc = connections.get();
    CompletableFuture<Object> future = new CompletableFuture<>();
    ScheduledFuture<?>[] timeoutTask = new ScheduledFuture<?>[1];
    PendingCall call =
        cc.pending()
            .register(
                done -> {
                  ScheduledFuture<?> t = timeoutTask[0];
                  if (t != null) {
                    t.cancel(false);
                  }
                  Runnable completion =
                      () -> {
                        try {
                          future.complete(result(d, done.outcome()));
                        } catch (RuntimeException e) {
                          future.completeExceptionally(e);
                        }
                      };
                  try {
                    asyncExecutor.execute(completion);
                  } catch (RejectedExecutionException closed) {
                    completion.run();
                  }
                });
    try {
      send(cc, call, d, MessageType.REQUEST, route, args, d.parameterTypes());
      timeoutTask[0] =
          timer.schedule(
              () -> {
                cc.pending().remove(call.id());
                call.complete(timeout(d));
              },
              timeoutNanos,
              TimeUnit.NANOSECONDS);
      if (call.isDone()) {
        timeoutTask[0].cancel(false);
      }
    } catch (RuntimeException e) {
      future.completeExceptionally(e);
    }
    return future;
  }

  /** Subscribes {@code listener} and returns once the server has it. */
  void subscribe(MethodDescriptor d, byte[] route, Object listener) {
    ClientConnection cc = connections.get();
    long id = cc.callbacks().add(listener, d.listenerType());
    try {
      exchange(cc, d, MessageType.SUBSCRIBE, route, id);
    } catch (RuntimeException e) {
      cc.callbacks().remove(id);
      throw e;
    }
  }

  /** Unsubscribes the newest subscription of {@code listener}; no-op if it has none. */
  void unsubscribe(MethodDescriptor d, byte[] route, Object listener) {
    ClientConnection cc = connections.get();
    Long id = cc.callbacks().find(listener, d.listenerType()).orElse(null);
    if (id == null) {
      return;
    }
    try {
      exchange(cc, d, MessageType.UNSUBSCRIBE, route, id);
    } finally {
      cc.callbacks().remove(id);
    }
  }

  private void exchange(
      ClientConnection cc, MethodDescriptor d, MessageType type, byte[] route, long id) {
    PendingCall call = cc.pending().register(null);
    send(cc, call, d, type, route, new Object[] {id}, SUBSCRIPTION_TYPES);
    Object outcome = call.await(cc.connection(), spinNanos, System.nanoTime() + timeoutNanos);
    if (outcome == null) {
      cc.pending().remove(call.id());
      throw timeout(d);
    }
    result(d, outcome);
  }

  private void send(
      ClientConnection cc,
      PendingCall call,
      MethodDescriptor d,
      MessageType type,
      byte[] route,
      Object[] args,
      Type[] types) {
    try {
      FrameBuffer fb = new FrameBuffer(route.length + 128);
      fb.write(route, 0, route.length);
      serializer.write(fb, args, types);
      cc.connection().send(fb.finish(type, 0, 0, call.id()));
    } catch (WitSerializationException e) {
      cc.pending().remove(call.id());
      throw new WitSerializationException(
          d.displayName() + ": cannot encode the arguments: " + e.getMessage(), e);
    } catch (WitTransportException e) {
      cc.pending().remove(call.id());
      throw new WitTransportException(d.displayName() + ": " + e.getMessage(), e);
    }
  }

  private WitTimeoutException timeout(MethodDescriptor d) {
    return new WitTimeoutException(
        d.displayName()
            + ": no reply within "
            + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
            + " ms");
  }

  /** The result of an outcome, or the exception it stands for (rethrown with the method name). */
  private Object result(MethodDescriptor d, Object outcome) {
    if (outcome instanceof Throwable t) {
      throw rethrow(d, t);
    }
    Envelope env = (Envelope) outcome;
    if (env.status() == Status.OK.code()) {
      try {
        return serializer.read(env.body(), new Type[] {d.resultType()})[0];
      } catch (WitSerializationException e) {
        throw new WitSerializationException(
            d.displayName()
                + ": the result cannot be decoded as "
                + d.resultType().getTypeName()
                + ": "
                + e.getMessage(),
            e);
      }
    }
    Object[] error;
    try {
      error = serializer.read(env.body(), ERROR_TYPES);
    } catch (WitSerializationException e) {
      error = new Object[] {null, "undecodable error body: " + e.getMessage(), null};
    }
    throw new WitRemoteException(
        d.displayName(), env.status(), (String) error[0], (String) error[1], (String) error[2]);
  }

  private static WitException rethrow(MethodDescriptor d, Throwable t) {
    if (t instanceof WitTimeoutException e) {
      return e;
    }
    if (t instanceof WitSecurityException e) {
      return new WitSecurityException(d.displayName() + ": " + e.getMessage(), e);
    }
    return new WitTransportException(d.displayName() + ": " + t.getMessage(), t);
  }
}
