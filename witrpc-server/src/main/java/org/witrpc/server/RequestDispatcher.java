package org.witrpc.server;

import java.lang.invoke.MethodType;
import java.lang.reflect.Parameter;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import org.witrpc.Metadata;
import org.witrpc.ServerPing;
import org.witrpc.Status;
import org.witrpc.WitException;
import org.witrpc.internal.CallDeadline;
import org.witrpc.internal.CallMetadata;
import org.witrpc.internal.Envelope;
import org.witrpc.internal.EnvelopeCodec;
import org.witrpc.internal.JacksonSerializer;
import org.witrpc.internal.MessageType;
import org.witrpc.internal.MethodDescriptor;
import org.witrpc.internal.Route;
import org.witrpc.internal.SubscriptionBody;
import org.witrpc.internal.ValueMismatchException;
import org.witrpc.spi.ValueSpan;

/**
 * Runs the REQUEST, SUBSCRIBE and UNSUBSCRIBE frames of one READY connection: on the reader or the
 * server's executor (as {@link Dispatch} says), decoded, routed to their {@link MethodInvoker} and
 * answered through {@link Responses}; listener subscriptions are kept in {@link Subscriptions}. The
 * counterpart of the client's {@code RemoteCalls}.
 *
 * <p>At most {@code maxConcurrentCalls} requests of one connection are in flight (dispatched and
 * not yet answered); the next one is answered 503 at once. Every dispatched request is answered
 * exactly once whatever ends its handling, an {@link Error} included (a StackOverflowError, an
 * OutOfMemoryError or a LinkageError from user code or the serializer): 400 if its arguments cannot
 * be decoded, else 500; when not even that answer can be sent, the connection is closed with a log
 * line.
 *
 * <p>A REQUEST runs behind the server's {@link ServerInterceptor}s with its {@link CallContext}
 * current. The calls a CANCEL can reach are kept in {@link RunningCalls}; a synchronous call run
 * inline without interceptors uses the connection's reusable {@link InlineCall} instead, so that
 * the small call allocates nothing for its context.
 *
 * <p>Thread safety: {@link #dispatch} and {@link #cancel} are called by the transport's reader;
 * requests run and are answered on any thread.
 */
final class RequestDispatcher {
  /** The encoded route of {@link ServerPing#ping()}. */
  private static final byte[] PING_ROUTE =
      new Route(
              ServerPing.class.getName(),
              MethodDescriptor.allOf(ServerPing.class).keySet().iterator().next())
          .toBytes();

  private final ServerConnection connection;
  private final ServerSettings settings;
  private final Responses responses;
  private final Subscriptions subscriptions;
  private final RunningCalls running = new RunningCalls();
  private final InlineCall inline;

  RequestDispatcher(
      ServerConnection connection,
      ServerSettings settings,
      Responses responses,
      Subscriptions subscriptions) {
    this.connection = connection;
    this.settings = settings;
    this.responses = responses;
    this.subscriptions = subscriptions;
    this.inline = new InlineCall(connection);
  }

  /** A CANCEL: the client gave up on call {@code id}. */
  void cancel(long id) {
    running.cancel(id);
  }

  /**
   * A CANCEL handled on a thread that must not wait: false (nothing done) if it would run the
   * call's {@code onCancel} callbacks, user code that may wait.
   */
  boolean cancelIfQuick(long id) {
    return running.cancelWithoutCallbacks(id);
  }

  /** The connection ended: every call of it is cancelled. */
  void cancelAll() {
    running.cancelAll();
  }

  int runningCalls() {
    return running.size();
  }

  /** Runs (or refuses) a REQUEST, SUBSCRIBE or UNSUBSCRIBE; answers it whatever happens. */
  void dispatch(Envelope env) {
    dispatch(env, false);
  }

  /**
   * Runs a REQUEST here and now, as {@link #dispatch} would run it inline, if it cannot wait: its
   * method is known quick every time ({@link MethodInvoker#isQuickEveryTime}, under {@link
   * Dispatch#AUTO} or {@link Dispatch#INLINE}) and no interceptor, which might wait, runs before
   * it; a malformed route is answered here too (no user code runs). A request that might wait is
   * left untouched (false).
   */
  boolean dispatchIfQuick(Envelope env) {
    if (env.type() != MessageType.REQUEST
        || settings.dispatch() == Dispatch.EXECUTOR
        || settings.interceptors() != null
        || !knownQuick(env, true)) {
      return false;
    }
    dispatch(env, true);
    return true;
  }

  /**
   * Runs (or refuses) a dispatched frame and answers it.
   *
   * @param quick the request is known to run inline ({@link #dispatchIfQuick})
   */
  private void dispatch(Envelope env, boolean quick) {
    // every dispatched frame is answered exactly once by Responses, which gives the slot back;
    // whatever is thrown before that (Responses and handle throw only then) is answered here
    responses.dispatched();
    try {
      if (settings.lifecycle().draining()) {
        responses.error(
            env.correlationId(), Status.UNAVAILABLE, null, "the server is shutting down", null);
        return;
      }
      if (responses.inFlight() > settings.maxConcurrentCalls()) {
        responses.error(
            env.correlationId(),
            Status.UNAVAILABLE,
            null,
            "too many concurrent calls on this connection (limit "
                + settings.maxConcurrentCalls()
                + ")",
            null);
        return;
      }
      if (env.type() == MessageType.REQUEST && running.inUse(env.correlationId())) {
        refuseIdInUse(env.correlationId());
        return;
      }
      if ((quick || runsInline(env)) && !handedTaskWaitsHere()) {
        handleAnswered(env, null);
        return;
      }
      // reachable by CANCEL from now on, while it waits for the executor too
      CallContext call =
          env.type() == MessageType.REQUEST ? new CallContext(connection.peer()) : null;
      if (call != null && !running.add(env.correlationId(), call)) {
        refuseIdInUse(env.correlationId());
        return;
      }
      try {
        Runnable task = () -> handleAnswered(env, call);
        if (settings.executor() instanceof WarmHandOff warm) {
          // the server's own executor: the worker that runs it may then read this connection
          warm.execute(task, connection);
        } else {
          settings.executor().execute(task);
        }
      } catch (RejectedExecutionException e) {
        running.remove(env.correlationId(), call);
        responses.error(
            env.correlationId(), Status.UNAVAILABLE, null, "the server is shutting down", null);
      }
    } catch (Throwable t) {
      responses.unanswered(env.correlationId(), "request", t);
    }
  }

  /**
   * Answers a REQUEST whose correlation id is that of a call still running with 400, without
   * running it: taking the id over would leave the running call beyond CANCEL and beyond the
   * cancel-all when the connection ends.
   */
  private void refuseIdInUse(long id) {
    responses.error(
        id,
        Status.BAD_REQUEST,
        null,
        "correlation id " + id + " is in use by a call still running",
        null);
  }

  /**
   * Handles a dispatched request; whatever is thrown, it is answered or the connection closed.
   *
   * @param call its context if it is already among the running calls (handed to the executor)
   */
  private void handleAnswered(Envelope env, CallContext call) {
    boolean answeredLater = false;
    try {
      answeredLater = handle(env, call);
    } catch (Throwable t) {
      responses.unanswered(env.correlationId(), "request", t);
    } finally {
      if (call != null && !answeredLater) {
        running.remove(env.correlationId(), call);
      }
    }
  }

  /**
   * Whether this thread is the server's warm worker, delivering frames of its connection, with a
   * request already handed to it ({@link WarmHandOff#handedTaskWaitsOnThisThread}): a request run
   * inline now would run before that one, and one that waits for it would never end.
   */
  private boolean handedTaskWaitsHere() {
    return settings.executor() instanceof WarmHandOff warm && warm.handedTaskWaitsOnThisThread();
  }

  private boolean runsInline(Envelope env) {
    return switch (settings.dispatch()) {
      case INLINE -> true;
      case EXECUTOR -> routesToPing(env.body());
      default -> knownQuick(env, false);
    };
  }

  /**
   * Whether a request's body routes to {@link ServerPing#ping()}: its route bytes, after the
   * deadline, compared in place (no allocation on the reader, which under EXECUTOR does little else
   * per request).
   */
  static boolean routesToPing(ByteBuffer body) {
    int at = body.position() + CallDeadline.SIZE;
    if (body.limit() - at < PING_ROUTE.length) {
      return false;
    }
    for (int i = 0; i < PING_ROUTE.length; i++) {
      if (body.get(at + i) != PING_ROUTE[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether the request's method has been quick so far ({@link MethodInvoker#isQuick}, or with
   * {@code everyTime} {@link MethodInvoker#isQuickEveryTime}), or its route is malformed (a 400).
   */
  private boolean knownQuick(Envelope env, boolean everyTime) {
    try {
      // peek at the route on a duplicate: handle() reads the body from its start
      Optional<MethodInvoker> invoker = routedMethod(env.body().duplicate());
      return invoker.isPresent()
          && (everyTime ? invoker.get().isQuickEveryTime() : invoker.get().isQuick());
    } catch (WitException malformed) {
      return true; // answered at once with 400, no user code runs
    }
  }

  /**
   * Decodes, routes and runs a request.
   *
   * @return true if an asynchronous call is answered (and leaves the running calls) later
   */
  private boolean handle(Envelope env, CallContext call) {
    long id = env.correlationId();
    Route route;
    long deadline;
    try {
      deadline = CallDeadline.read(env.body());
      route = Route.read(env.body());
    } catch (WitException e) {
      refuse(id, call, Status.BAD_REQUEST, e.getMessage());
      return false;
    }
    if (CallDeadline.hasPassed(deadline)) {
      refuse(
          id,
          call,
          Status.DEADLINE_EXCEEDED,
          route
              + ": deadline exceeded "
              + (System.currentTimeMillis() - deadline)
              + " ms before the server could start the call");
      return false;
    }
    Optional<MethodInvoker> found = settings.registry().find(route);
    if (found.isEmpty()) {
      String what =
          settings.registry().hasService(route.service())
              ? "no method " + route.method() + " in service " + route.service()
              : "no service " + route.service() + " on this server";
      refuse(id, call, Status.NOT_FOUND, what);
      return false;
    }
    MethodInvoker invoker = found.get();
    MethodDescriptor d = invoker.descriptor();
    if (env.type() == MessageType.REQUEST && d.kind() != MethodDescriptor.Kind.CALL) {
      // a plain call would run the add or remove method with whatever the body holds (null)
      refuse(
          id,
          call,
          Status.BAD_REQUEST,
          d.displayName()
              + " adds or removes a listener: subscribe through a service proxy, not with a call");
      return false;
    }
    Metadata metadata = Metadata.empty();
    if (env.type() == MessageType.REQUEST) {
      try {
        metadata = CallMetadata.read(env.body(), settings.maxMetadataBytes());
      } catch (WitException e) {
        refuse(id, call, Status.BAD_REQUEST, d.displayName() + ": " + e.getMessage());
        return false;
      }
    }
    Object[] args;
    try {
      args = decode(env, d);
    } catch (RuntimeException | StackOverflowError e) {
      // a WitSerializationException as a rule; another exception or a stack overflow from a
      // serializer that does not wrap them is the peer's bytes too. Other errors are a 500.
      refuse(
          id,
          call,
          Status.BAD_REQUEST,
          d.displayName()
              + ": cannot decode arguments: "
              + decodeFailure(env.type() == MessageType.REQUEST ? d : null, e));
      return false;
    } catch (Throwable t) {
      running.remove(id, call);
      responses.unanswered(id, d.displayName(), t);
      return false;
    }
    switch (env.type()) {
      case SUBSCRIBE -> subscriptions.subscribe(id, invoker, route, (Long) args[0]);
      case UNSUBSCRIBE -> unsubscribe(id, invoker, (Long) args[0]);
      default -> {
        return request(id, invoker, args, call, metadata, deadline);
      }
    }
    return false;
  }

  /**
   * Answers call {@code id} with an error; a call among the running ones leaves them first, so that
   * its id is free again once the client has the answer.
   */
  private void refuse(long id, CallContext call, Status status, String message) {
    running.remove(id, call);
    responses.error(id, status, null, message, null);
  }

  /**
   * Runs a REQUEST with its context current: behind the interceptors, interruptible by a CANCEL
   * while it runs.
   *
   * @param call its context if it is among the running calls already, else null
   * @return true if an asynchronous call is answered later
   */
  private boolean request(
      long id,
      MethodInvoker invoker,
      Object[] args,
      CallContext call,
      Metadata metadata,
      long deadline) {
    MethodDescriptor d = invoker.descriptor();
    ServerInterceptors interceptors = invoker.builtIn() ? null : settings.interceptors();
    if (call == null && interceptors == null && !d.async()) {
      // inline, synchronous, not intercepted: nobody can cancel it while it runs (its reader runs
      // it), so it needs no entry among the running calls and no context unless it asks for one
      inline.begin(d, metadata, deadline);
      Object previous = CallContext.enter(inline);
      try {
        call(id, invoker, args, null, null);
      } finally {
        CallContext.leave(previous);
        inline.end();
      }
      return false;
    }
    boolean addedHere = false;
    if (call == null) {
      call = new CallContext(connection.peer());
      if (d.async()) {
        // its stage may complete long after a CANCEL is read
        if (!running.add(id, call)) {
          refuseIdInUse(id);
          return false;
        }
        addedHere = true;
      }
    }
    call.begin(d, metadata, deadline);
    boolean answeredLater = false;
    try {
      if (!call.start()) {
        refuse(
            id,
            call,
            Status.CANCELLED,
            d.displayName() + ": cancelled by the client before the server started it");
        return false;
      }
      Object previous = CallContext.enter(call);
      try {
        answeredLater = call(id, invoker, args, call, interceptors);
        return answeredLater;
      } finally {
        CallContext.leave(previous);
      }
    } finally {
      if (addedHere && !answeredLater) {
        running.remove(id, call);
      }
    }
  }

  /**
   * Where a REQUEST arriving in a large frame has a large {@code byte[]} argument that its decoder
   * can take as the transport receives it ({@link org.witrpc.spi.FrameListener#largeValueSpan}):
   * only when its method is known and the serializer is witrpc's MessagePack, which reads such a
   * value whole; else null.
   */
  ValueSpan largeValueSpan(ByteBuffer head, int frameLength) {
    Envelope env = EnvelopeCodec.decodeHead(head, frameLength, LARGE_VALUE_HEAD_BYTES);
    if (env == null || env.type() != MessageType.REQUEST) {
      return null;
    }
    ByteBuffer body = env.body();
    try {
      Optional<MethodInvoker> invoker = routedMethod(body);
      if (invoker.isEmpty()) {
        return null;
      }
      CallMetadata.skip(body, settings.maxMetadataBytes()); // handle() decodes it
      ValueSpan inBody =
          JacksonSerializer.largeBytesSpan(
              settings.serializer(), body, invoker.get().descriptor().parameterTypes());
      return inBody == null
          ? null
          : EnvelopeCodec.spanInFrame(
              EnvelopeCodec.HEADER_SIZE + body.position(), inBody, frameLength);
    } catch (WitException cutShortOrMalformed) {
      return null; // received whole; handle() says what is wrong with it
    }
  }

  /**
   * The method a request's body routes to, read from its start (deadline, then route) up to its
   * metadata.
   *
   * @throws WitException if the deadline or route is malformed
   */
  private Optional<MethodInvoker> routedMethod(ByteBuffer body) {
    CallDeadline.read(body);
    return settings.registry().find(Route.read(body));
  }

  /** How much of a large request {@link #largeValueSpan} looks at for its arguments' start. */
  static final int LARGE_VALUE_HEAD_BYTES = 64 << 10;

  /** The arguments of a REQUEST, or the subscription id of a SUBSCRIBE / UNSUBSCRIBE. */
  private Object[] decode(Envelope env, MethodDescriptor d) {
    if (env.type() == MessageType.REQUEST) {
      Object[] args =
          JacksonSerializer.read(
              settings.serializer(), env.body(), d.parameterTypes(), env.received());
      if (JacksonSerializer.copiesValuesOut(settings.serializer())) {
        connection.recycle(env.body()); // nothing reads the request's frame after this
      }
      return args;
    }
    return new Object[] {SubscriptionBody.read(settings.serializer(), env.body())};
  }

  /**
   * Why the arguments could not be decoded, starting with the parameter ("parameter 1 'b' (int):
   * ...") when the serializer names the value that does not fit; the name is the source name if the
   * interface was compiled with {@code -parameters}, else {@code arg1}.
   *
   * @param d the method whose arguments failed, or null if the body is not its arguments
   */
  private static String decodeFailure(MethodDescriptor d, Throwable e) {
    if (e instanceof ValueMismatchException m
        && d != null
        && d.method() != null
        && m.index() >= 0
        && m.index() < d.method().getParameterCount()) {
      Parameter p = d.method().getParameters()[m.index()];
      return "parameter "
          + m.index()
          + " '"
          + p.getName()
          + "' ("
          + p.getParameterizedType().getTypeName()
          + "): "
          + e.getMessage();
    }
    if (e instanceof WitException) {
      return e.getMessage();
    }
    return e instanceof StackOverflowError ? "nested too deeply (stack overflow)" : e.toString();
  }

  /**
   * Invokes the method (behind {@code interceptors}, if any) and answers, now or when its stage
   * completes.
   *
   * @param call the started context, or null for an inline call without one
   * @return true if an asynchronous call is answered later (and leaves the running calls then)
   */
  private boolean call(
      long id,
      MethodInvoker invoker,
      Object[] args,
      CallContext call,
      ServerInterceptors interceptors) {
    MethodDescriptor d = invoker.descriptor();
    Object result;
    try {
      result = call == null ? invoker.invoke(args) : invoke(call, invoker, args, interceptors);
    } catch (Throwable t) {
      running.remove(id, call); // answered next: the id is free again for the client
      responses.thrown(id, d, t, call);
      return false;
    }
    if (interceptors != null && call != null) {
      String misfit = misfit(d, result);
      if (misfit != null) {
        running.remove(id, call);
        responses.thrown(id, d, new WitException(misfit));
        return false;
      }
    }
    if (d.async() && result != null) {
      ((CompletionStage<?>) result)
          .whenComplete(
              (value, error) -> {
                try {
                  running.remove(id, call);
                  if (error != null) {
                    responses.thrown(id, d, error, call);
                  } else {
                    responses.ok(id, d, value);
                  }
                } catch (Throwable t) {
                  responses.unanswered(id, d.displayName(), t);
                }
              });
      return true;
    }
    running.remove(id, call);
    responses.ok(id, d, result);
    return false;
  }

  /**
   * What is wrong with what the interceptors answered for {@code d}, if the method could not have
   * returned it (null for a primitive, a value of another type, no stage for an asynchronous
   * method); null if it fits.
   */
  private static String misfit(MethodDescriptor d, Object result) {
    Class<?> declared = d.method() == null ? void.class : d.method().getReturnType();
    if (declared == void.class) {
      return null;
    }
    boolean fits;
    if (result == null) {
      fits = !declared.isPrimitive();
    } else if (d.async()) {
      fits = result instanceof CompletionStage; // any stage, as ServerInterceptor documents
    } else {
      fits = MethodType.methodType(declared).wrap().returnType().isInstance(result);
    }
    return fits
        ? null
        : d.displayName()
            + ": the server interceptors answered "
            + (result == null ? "null" : "a " + result.getClass().getName())
            + " where the method returns "
            + (d.async() ? "a CompletionStage" : declared.getName());
  }

  /**
   * Invokes a started call behind the interceptors, if any; a CANCEL interrupts the thread until
   * the method (and the interceptors) returned, not while the answer is sent.
   */
  private static Object invoke(
      CallContext call, MethodInvoker invoker, Object[] args, ServerInterceptors interceptors)
      throws Throwable {
    try {
      return interceptors == null ? invoker.invoke(args) : interceptors.run(call, invoker, args);
    } finally {
      call.finish();
    }
  }

  /**
   * Hands the subscription's stub to {@code remove} if that is its add method's pair, else 400; a
   * subscription whose add still runs is answered at once and removed by its SUBSCRIBE after the
   * add.
   */
  private void unsubscribe(long id, MethodInvoker remove, long subscriptionId) {
    Optional<Subscriptions.Removal> removal = subscriptions.remove(remove, subscriptionId);
    if (removal.isEmpty()) {
      responses.error(
          id,
          Status.BAD_REQUEST,
          null,
          remove.descriptor().displayName() + ": no subscription " + subscriptionId,
          null);
      return;
    }
    CallbackStub stub = removal.get().stub();
    if (stub == null) {
      responses.ok(id, remove.descriptor(), null);
      return;
    }
    call(id, remove, new Object[] {stub.proxy()}, null, null);
  }
}
