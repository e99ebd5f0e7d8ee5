package org.witrpc.client;

import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.Metadata;
import org.witrpc.Status;
import org.witrpc.WitException;
import org.witrpc.WitRemoteException;
import org.witrpc.WitSecurityException;
import org.witrpc.WitSerializationException;
import org.witrpc.WitTimeoutException;
import org.witrpc.WitTransportException;
import org.witrpc.internal.CallDeadline;
import org.witrpc.internal.CallMetadata;
import org.witrpc.internal.Envelope;
import org.witrpc.internal.ErrorBody;
import org.witrpc.internal.FrameBuffer;
import org.witrpc.internal.JacksonSerializer;
import org.witrpc.internal.MessageType;
import org.witrpc.internal.MethodDescriptor;
import org.witrpc.internal.OutboundQueue;
import org.witrpc.internal.SubscriptionBody;
import org.witrpc.spi.Serializer;

/**
 * Sends requests and turns their responses into results or exceptions: synchronously (the caller
 * waits in {@link PendingCall#await}), asynchronously (a future completed on the client's async
 * executor, never on the transport's reader), and for listener subscriptions.
 *
 * <p>A call whose caller gives up (its timeout passes, its thread is interrupted, its future is
 * cancelled) is told to the server with CANCEL, so that the server can stop running it; a reply
 * that comes anyway is dropped.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class RemoteCalls {
  private static final Logger LOG = LoggerFactory.getLogger(RemoteCalls.class);

  /** How long an asynchronous call's caller waits for the transport before its frame is queued. */
  private static final long ASYNC_DIRECT_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final ConnectionStates states;
  private final Subscriptions subscriptions;
  private final Serializer serializer;
  private final long timeoutNanos;
  private final long spinNanos;
  private final RetryPolicy retryPolicy;
  private final AsyncExecutor asyncExecutor;
  private final ScheduledExecutorService timer;

  RemoteCalls(
      ConnectionStates states,
      Subscriptions subscriptions,
      Serializer serializer,
      long timeoutNanos,
      long spinNanos,
      RetryPolicy retryPolicy,
      AsyncExecutor asyncExecutor,
      ScheduledExecutorService timer) {
    this.states = states;
    this.subscriptions = subscriptions;
    this.serializer = serializer;
    this.timeoutNanos = timeoutNanos;
    this.spinNanos = spinNanos;
    this.retryPolicy = retryPolicy;
    this.asyncExecutor = asyncExecutor;
    this.timer = timer;
  }

  /**
   * Calls and waits for the result; retried as the {@link RetryPolicy} allows, all attempts within
   * the one timeout.
   */
  Object call(
      MethodDescriptor d, byte[] route, Object[] args, boolean idempotent, Metadata metadata) {
    long deadline = System.nanoTime() + timeoutNanos;
    for (int retries = 0; ; retries++) {
      try {
        return callOnce(d, route, args, metadata, deadline);
      } catch (WitException e) {
        if (retryPolicy == null
            || Thread.currentThread().isInterrupted()
            || !retryPolicy.retries(e, retries, idempotent)) {
          throw e;
        }
        long pause = retryPolicy.delayBefore(retries + 1).toNanos();
        if (System.nanoTime() + pause - deadline >= 0) {
          throw e;
        }
        LOG.debug("{}: retry {} in {} us after {}", d, retries + 1, pause / 1000, e.toString());
        LockSupport.parkNanos(this, pause); // the retry policy's backoff, not a condition wait
      }
    }
  }

  private Object callOnce(
      MethodDescriptor d, byte[] route, Object[] args, Metadata metadata, long deadline) {
    ClientConnection cc = states.awaitReady(deadline, d.displayName());
    PendingCall call;
    while (true) {
      call = cc.pending().register(null, d.resultType() == byte[].class);
      try {
        send(cc, call, d, MessageType.REQUEST, route, args, d.parameterTypes(), metadata, deadline);
        break;
      } catch (UnsentCallException e) {
        cc = nextAfterEnded(cc, e, deadline, d);
      }
    }
    Object outcome = call.await(cc.connection(), cc.pending().spinTurns(), spinNanos, deadline);
    if (outcome == PendingCall.INTERRUPTED) {
      cc.pending().remove(call.id());
      sendCancel(cc, call.id());
      throw interrupted(d);
    }
    if (outcome == null) {
      cc.pending().remove(call.id());
      if (!call.complete(timeout(d))) {
        outcome = call.outcome(); // the reply raced the timeout: take it
      } else {
        sendCancel(cc, call.id());
        throw timeout(d);
      }
    }
    return result(cc, d, outcome);
  }

  /**
   * The connection to send a call on after its frame was refused ({@code unsent}) by {@code cc}: if
   * {@code cc} has ended, the frame surely never left, so the call waits (within its deadline) for
   * the state to report the end and takes the next connection, as a call made a moment later would;
   * a caller does not fail for being in the instant between a connection's end and its report.
   * Otherwise (the connection is open: a send timeout, an interrupt) {@code unsent} is the call's
   * failure.
   *
   * @throws UnsentCallException {@code unsent}, or why there is no next connection in time
   */
  private ClientConnection nextAfterEnded(
      ClientConnection cc, UnsentCallException unsent, long deadline, MethodDescriptor d) {
    if (!cc.hasEnded()) {
      throw unsent;
    }
    LOG.debug("{}: its connection ended before the call was sent; waiting for the next one", d);
    return states.awaitReady(deadline, d.displayName(), cc);
  }

  /**
   * Tells the server that the caller of call {@code id} gave up (CANCEL), without making the caller
   * wait: behind the connection's earlier frames, so after the call's REQUEST. Best effort: a
   * connection that is gone has cancelled the server's calls anyway.
   */
  private static void sendCancel(ClientConnection cc, long id) {
    try {
      cc.outbound()
          .send(ASYNC_DIRECT_WAIT_NANOS, new FrameBuffer(16).finish(MessageType.CANCEL, 0, 0, id));
    } catch (RuntimeException e) { // also a send refused on a transport's I/O thread
      LOG.debug("CANCEL of call #{} not sent", id, e);
    }
  }

  /**
   * Calls and returns at once; the future completes on the async executor. While the client is
   * (re)connecting, the call waits for READY on the async executor, within its timeout.
   */
  CompletableFuture<Object> callAsync(
      MethodDescriptor d, byte[] route, Object[] args, Metadata metadata) {
    long deadline = System.nanoTime() + timeoutNanos;
    Optional<ClientConnection> ready = states.readyNow();
    ClientConnection ended = null;
    if (ready.isPresent()) {
      try {
        return callAsyncOn(ready.get(), d, route, args, metadata, deadline);
      } catch (UnsentCallException e) {
        ended = ready.get(); // it ended before the frame left: wait for the next one below
      }
    } else {
      ConnectionState now = states.state();
      if (now != ConnectionState.CONNECTING && now != ConnectionState.RECONNECTING) {
        states.awaitReady(deadline, d.displayName()); // throws: closed, disconnected or failed
      }
    }
    ClientConnection endedFirst = ended;
    CallFuture future = new CallFuture();
    try {
      asyncExecutor.executeWhileOpen(
          () -> {
            try {
              if (future.isDone()) {
                return; // cancelled while waiting for READY: nothing to send
              }
              ClientConnection cc = states.awaitReady(deadline, d.displayName(), endedFirst);
              CallFuture inner;
              while (true) {
                if (future.isDone()) {
                  return; // cancelled while waiting for READY: nothing to send
                }
                try {
                  inner = callAsyncOn(cc, d, route, args, metadata, deadline);
                  break;
                } catch (UnsentCallException e) {
                  cc = states.awaitReady(deadline, d.displayName(), cc);
                }
              }
              future.cancels(inner);
              inner.whenComplete(
                  (value, error) -> {
                    if (error != null) {
                      future.completeExceptionally(error);
                    } else {
                      future.complete(value);
                    }
                  });
            } catch (Throwable e) { // an Error too: the future must complete
              future.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException e) {
      future.completeExceptionally(
          new UnsentCallException(d.displayName() + ": the client is closed", e));
    }
    return future;
  }

  /**
   * Registers and sends an asynchronous call on {@code cc}; its future completes with the outcome.
   *
   * @throws UnsentCallException only if {@code cc} had ended before the frame left (the caller
   *     waits for the next connection); any other failure completes the future
   */
  private CallFuture callAsyncOn(
      ClientConnection cc,
      MethodDescriptor d,
      byte[] route,
      Object[] args,
      Metadata metadata,
      long deadline) {
    CallFuture future = new CallFuture();
    PendingCall call =
        cc.pending()
            .register(
                done -> {
                  future.stopTimer();
                  Runnable completion =
                      () -> {
                        try {
                          future.complete(result(cc, d, done.outcome()));
                        } catch (Throwable e) { // an Error too: the future must complete
                          future.completeExceptionally(e);
                        }
                      };
                  asyncExecutor.execute(completion);
                },
                d.resultType() == byte[].class);
    try {
      sendWithoutWaiting(cc, call, d, route, args, metadata, deadline);
      future.sent(cc, call);
      future.timer(
          timer.schedule(
              () -> {
                cc.pending().remove(call.id());
                if (call.complete(timeout(d))) {
                  sendCancel(cc, call.id());
                }
              },
              deadline - System.nanoTime(),
              TimeUnit.NANOSECONDS));
    } catch (UnsentCallException e) {
      if (cc.hasEnded()) {
        throw e;
      }
      future.completeExceptionally(e);
    } catch (RuntimeException e) {
      future.completeExceptionally(e);
    }
    return future;
  }

  /**
   * The future of an asynchronous call: cancelling it ({@link #cancel}) gives up the call like a
   * timeout does, and tells the server (CANCEL).
   *
   * <p>Thread safety: safe for concurrent use, as a CompletableFuture.
   */
  private static final class CallFuture extends CompletableFuture<Object> {
    private volatile ClientConnection connection;
    private volatile PendingCall call;
    private volatile ScheduledFuture<?> timer;
    private volatile CallFuture inner;

    /** The call is sent: cancelling from now on cancels it on the server. */
    void sent(ClientConnection connection, PendingCall call) {
      this.connection = connection;
      this.call = call;
      if (isCancelled()) {
        giveUp();
      }
    }

    /** Its timeout; cancelled when the call completes (also if it completed already). */
    void timer(ScheduledFuture<?> timer) {
      this.timer = timer;
      PendingCall c = call;
      if (c != null && c.isDone()) {
        timer.cancel(false);
      }
    }

    void stopTimer() {
      ScheduledFuture<?> t = timer;
      if (t != null) {
        t.cancel(false);
      }
    }

    /** This future waited for READY and stands for {@code inner}: cancelling it cancels that. */
    void cancels(CallFuture inner) {
      this.inner = inner;
      if (isCancelled()) {
        inner.cancel(true);
      }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      if (cancelled) {
        CallFuture i = inner;
        if (i != null) {
          i.cancel(mayInterruptIfRunning);
        }
        giveUp();
      }
      return cancelled;
    }

    private void giveUp() {
      ClientConnection cc = connection;
      PendingCall c = call;
      if (cc == null || c == null) {
        return; // not sent yet: sent() gives up when it is
      }
      cc.pending().remove(c.id());
      if (c.complete(new CancellationException("cancelled by the caller"))) {
        stopTimer();
        sendCancel(cc, c.id());
      }
    }
  }

  /** Subscribes {@code listener} and returns its subscription id once the server has it. */
  long subscribe(MethodDescriptor d, byte[] route, Object listener) {
    long deadline = System.nanoTime() + timeoutNanos;
    ClientConnection cc = states.awaitReady(deadline, d.displayName());
    long id = subscriptions.add(listener, d, route);
    try {
      while (true) {
        try {
          exchange(cc, d, MessageType.SUBSCRIBE, route, id, deadline);
          subscriptions.subscribedOn(id, cc.serial());
          return id;
        } catch (UnsentCallException e) {
          cc = nextAfterEnded(cc, e, deadline, d);
          // the reconnect that made cc re-subscribed what the table held: this one too, unless it
          // was added after that, or the new server refused it (then asking again gets the answer)
          if (subscriptions.isSubscribedOn(id, cc.serial())) {
            return id;
          }
          subscriptions.remove(id);
          id = subscriptions.add(listener, d, route);
        }
      }
    } catch (RuntimeException e) {
      subscriptions.remove(id);
      throw e;
    }
  }

  /**
   * Unsubscribes the newest subscription of {@code listener} made through the add method that
   * {@code d} pairs with; no-op if it has none. While not connected it is only forgotten (the
   * server dropped it with the connection).
   */
  void unsubscribe(MethodDescriptor d, byte[] route, Object listener) {
    Long id = subscriptions.find(listener, d).orElse(null);
    if (id != null) {
      unsubscribeId(d, route, id);
    }
  }

  /**
   * Unsubscribes subscription {@code id} through remove method {@code d}. While not connected it is
   * only forgotten.
   */
  void unsubscribeId(MethodDescriptor d, byte[] route, long id) {
    // first, so that a reconnect does not repeat it; one already forgotten (its re-subscription
    // was refused) is not subscribed on the server either: nothing to undo there
    if (!subscriptions.remove(id)) {
      return;
    }
    Optional<ClientConnection> cc = states.readyNow();
    if (cc.isPresent()) {
      try {
        exchange(cc.get(), d, MessageType.UNSUBSCRIBE, route, id, System.nanoTime() + timeoutNanos);
      } catch (UnsentCallException e) {
        if (!cc.get().hasEnded()) {
          throw e;
        }
        // the connection ended before the request left: the server dropped it with the connection
      }
    }
  }

  /**
   * Repeats every subscription of the client on a new connection (before it is READY), with the
   * same ids, so the same listener objects receive the events.
   *
   * @throws WitException if the connection fails or the server does not answer in time
   */
  void resubscribe(ClientConnection cc, long deadline) {
    for (Subscriptions.Subscription s : subscriptions.all()) {
      try {
        exchange(cc, s.addMethod(), MessageType.SUBSCRIBE, s.route(), s.id(), deadline);
        subscriptions.subscribedOn(s.id(), cc.serial());
      } catch (WitRemoteException e) {
        if (e.status() == Status.BAD_REQUEST.code() || e.status() == Status.NOT_FOUND.code()) {
          // this server refuses it for good: the listener is no longer subscribed, so the client
          // forgets it (removing the listener is then a no-op; no later reconnect repeats it)
          subscriptions.remove(s.id());
          LOG.warn(
              "{}: re-subscribing listener #{} was refused; it is no longer subscribed",
              s.addMethod(),
              s.id(),
              e);
        } else {
          // a server shutting down (503), a failing add method (500): the next connection retries
          LOG.warn("{}: re-subscribing listener #{} failed", s.addMethod(), s.id(), e);
        }
      }
    }
  }

  private void exchange(
      ClientConnection cc,
      MethodDescriptor d,
      MessageType type,
      byte[] route,
      long id,
      long deadline) {
    PendingCall call = cc.pending().register(null);
    send(
        cc,
        call,
        d,
        type,
        route,
        SubscriptionBody.values(id),
        SubscriptionBody.types(),
        null,
        deadline);
    Object outcome = call.await(cc.connection(), cc.pending().spinTurns(), spinNanos, deadline);
    if (outcome == PendingCall.INTERRUPTED) {
      cc.pending().remove(call.id());
      throw interrupted(d);
    }
    if (outcome == null) {
      cc.pending().remove(call.id());
      throw timeout(d);
    }
    result(cc, d, outcome);
  }

  /**
   * Encodes and sends a request, waiting for the transport no later than {@code deadline} (the
   * call's timeout covers the sending too) and not after the caller's thread is interrupted.
   */
  private void send(
      ClientConnection cc,
      PendingCall call,
      MethodDescriptor d,
      MessageType type,
      byte[] route,
      Object[] args,
      Type[] types,
      Metadata metadata,
      long deadline) {
    ByteBuffer[] frame = encode(cc, call, d, type, route, args, types, metadata, deadline);
    boolean sent;
    try {
      sent = cc.outbound().sendBefore(deadline, frame);
    } catch (WitTransportException e) {
      cc.pending().remove(call.id());
      throw unsent(cc, d, frame, e);
    }
    if (!sent) {
      cc.pending().remove(call.id());
      throw Thread.currentThread().isInterrupted() ? interrupted(d) : unsentInTime(d);
    }
  }

  /**
   * Encodes and sends an asynchronous request without making its caller wait: if the transport
   * cannot take the frame at once (another frame is on its way, the server is slow to read), a copy
   * waits in the connection's {@link OutboundQueue}, behind the caller's earlier frames, for its
   * writer thread.
   */
  private void sendWithoutWaiting(
      ClientConnection cc,
      PendingCall call,
      MethodDescriptor d,
      byte[] route,
      Object[] args,
      Metadata metadata,
      long deadline) {
    ByteBuffer[] frame =
        encode(
            cc, call, d, MessageType.REQUEST, route, args, d.parameterTypes(), metadata, deadline);
    try {
      cc.outbound().send(ASYNC_DIRECT_WAIT_NANOS, frame);
    } catch (WitTransportException e) {
      cc.pending().remove(call.id());
      throw unsent(cc, d, frame, e);
    }
  }

  /**
   * The failure of a call whose frame the transport did not take: {@link FrameTooLargeException} if
   * it was refused for its size (never worth repeating), else {@link UnsentCallException}.
   */
  private static WitTransportException unsent(
      ClientConnection cc, MethodDescriptor d, ByteBuffer[] frame, WitTransportException e) {
    String message = d.displayName() + ": " + e.getMessage();
    return cc.connection().isOpen() && cc.outbound().refusal(frame) != null
        ? new FrameTooLargeException(message, e)
        : new UnsentCallException(message, e);
  }

  private ByteBuffer[] encode(
      ClientConnection cc,
      PendingCall call,
      MethodDescriptor d,
      MessageType type,
      byte[] route,
      Object[] args,
      Type[] types,
      Metadata metadata,
      long deadline) {
    if (call.outcome() instanceof Throwable closed) {
      // registered after the connection ended: nothing was sent
      throw new UnsentCallException(d.displayName() + ": " + closed.getMessage(), closed);
    }
    byte[] entries = null;
    if (metadata != null && !metadata.isEmpty()) {
      if (metadata.keys().size() > CallMetadata.MAX_ENTRIES) {
        cc.pending().remove(call.id());
        throw new WitSerializationException(
            d.displayName()
                + ": metadata of "
                + metadata.keys().size()
                + " entries exceeds the protocol's limit of "
                + CallMetadata.MAX_ENTRIES
                + "; the call was not sent");
      }
      entries = CallMetadata.encode(metadata);
      if (entries.length > cc.maxMetadataBytes()) {
        cc.pending().remove(call.id());
        throw new WitSerializationException(
            d.displayName()
                + ": metadata of "
                + entries.length
                + " bytes exceeds the server's limit of "
                + cc.maxMetadataBytes()
                + " bytes (announced in the handshake); the call was not sent");
      }
    }
    int metadataSize = entries == null ? 4 : 4 + entries.length;
    FrameBuffer fb =
        new FrameBuffer(route.length + 32 + metadataSize + serializer.estimateSize(args, types));
    try {
      CallDeadline.write(fb, deadline - System.nanoTime());
      fb.write(route, 0, route.length);
      if (type == MessageType.REQUEST) {
        if (entries == null) {
          CallMetadata.writeNone(fb);
        } else {
          CallMetadata.write(fb, entries);
        }
      }
      serializer.write(fb, args, types);
      return fb.finishParts(type, 0, 0, call.id());
    } catch (WitSerializationException e) {
      fb.discard(); // a serializer's per-thread cache may keep the buffer: let go of its contents
      cc.pending().remove(call.id());
      throw new WitSerializationException(
          d.displayName() + ": cannot encode the arguments: " + e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      fb.discard();
      cc.pending().remove(call.id()); // no entry left behind, whatever failed
      throw e;
    }
  }

  private WitTimeoutException unsentInTime(MethodDescriptor d) {
    return new WitTimeoutException(
        d.displayName()
            + ": the request could not be sent within "
            + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
            + " ms: the connection was busy or the server took no bytes");
  }

  private static InterruptedCallException interrupted(MethodDescriptor d) {
    return new InterruptedCallException(d.displayName() + ": interrupted; the call was abandoned");
  }

  private WitTimeoutException timeout(MethodDescriptor d) {
    return new WitTimeoutException(
        d.displayName()
            + ": no reply within "
            + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
            + " ms");
  }

  /**
   * The result of an outcome, or the exception it stands for (rethrown with the method name). A
   * result's frame goes back to {@code cc}'s transport once decoded.
   */
  private Object result(ClientConnection cc, MethodDescriptor d, Object outcome) {
    if (outcome instanceof Throwable t) {
      throw rethrow(d, t);
    }
    Envelope env = (Envelope) outcome;
    if (env.status() == Status.OK.code()) {
      try {
        Object value =
            JacksonSerializer.read(
                serializer, env.body(), new Type[] {d.resultType()}, env.received())[0];
        if (JacksonSerializer.copiesValuesOut(serializer)) {
          cc.connection().recycle(env.body()); // nothing reads the reply's frame after this
        }
        return value;
      } catch (RuntimeException | StackOverflowError e) {
        // a WitSerializationException as a rule; a serializer that lets its parser's exception or
        // a stack overflow through fails this call the same way, not the calling thread
        throw new WitSerializationException(
            d.displayName()
                + ": the result cannot be decoded as "
                + d.resultType().getTypeName()
                + ": "
                + (e instanceof WitSerializationException ? e.getMessage() : e.toString()),
            e);
      }
    }
    if (env.status() == Status.DEADLINE_EXCEEDED.code()) {
      throw new WitTimeoutException(d.displayName() + ": " + errorMessage(env));
    }
    ErrorBody error;
    try {
      error = ErrorBody.read(serializer, env.body());
    } catch (RuntimeException | StackOverflowError e) {
      error = new ErrorBody(null, "undecodable error body: " + e.getMessage(), null);
    }
    throw new WitRemoteException(
        d.displayName(), env.status(), error.className(), error.message(), error.stackTrace());
  }

  private String errorMessage(Envelope env) {
    try {
      return ErrorBody.read(serializer, env.body().duplicate()).message();
    } catch (RuntimeException | StackOverflowError e) {
      return "status " + env.status();
    }
  }

  private static WitException rethrow(MethodDescriptor d, Throwable t) {
    if (t instanceof WitTimeoutException e) {
      return e;
    }
    if (t instanceof UnsentCallException || t instanceof FrameTooLargeException) {
      return (WitException) t;
    }
    if (t instanceof WitSecurityException e) {
      return new WitSecurityException(d.displayName() + ": " + e.getMessage(), e);
    }
    return new WitTransportException(d.displayName() + ": " + t.getMessage(), t);
  }
}
