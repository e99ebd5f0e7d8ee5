package org.witrpc.server;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.Status;
import org.witrpc.WitException;
import org.witrpc.WitSecurityException;
import org.witrpc.internal.CallDeadline;
import org.witrpc.internal.Envelope;
import org.witrpc.internal.EnvelopeCodec;
import org.witrpc.internal.FrameBuffer;
import org.witrpc.internal.Handshake;
import org.witrpc.internal.HandshakeTranscript;
import org.witrpc.internal.KeyExchange;
import org.witrpc.internal.MessageType;
import org.witrpc.internal.MethodDescriptor;
import org.witrpc.internal.OutboundQueue;
import org.witrpc.internal.Route;
import org.witrpc.internal.SecureChannel;
import org.witrpc.internal.SessionKeys;
import org.witrpc.spi.Connection;
import org.witrpc.spi.FrameListener;

/**
 * The server's side of one client connection: runs the handshake (HELLO, AUTH), then dispatches
 * REQUEST, SUBSCRIBE and UNSUBSCRIBE frames and answers each with a RESPONSE. Owns the client's
 * subscriptions (at most {@code maxSubscriptions}; the next subscribe is answered 400) and removes
 * them from the implementations when the connection ends. With encryption on, the HELLO / HELLO_ACK
 * exchange also agrees the keys of its {@link SecureChannel}, so AUTH and everything after it
 * travel encrypted.
 *
 * <p>A connection that is not READY within the server's handshake timeout is told GOODBYE and
 * closed, so a silent peer cannot hold a client slot. Until READY the transport accepts only
 * handshake-sized frames ({@link org.witrpc.spi.TransportOptions#HANDSHAKE_FRAME_LIMIT}); the limit
 * is lifted through {@link Connection#allowLargeFrames()} before AUTH_ACK is sent.
 *
 * <p>At most {@code maxConcurrentCalls} requests of one connection are in flight (dispatched and
 * not yet answered); the next one is answered 503 at once. Every dispatched request is answered
 * exactly once whatever ends its handling, an {@link Error} included (a StackOverflowError, an
 * OutOfMemoryError or a LinkageError from user code or the serializer): 400 if its arguments cannot
 * be decoded, else 500; when not even that answer can be sent, the connection is closed with a log
 * line. Nothing thrown while handling a frame reaches the transport's reader.
 *
 * <p>Thread safety: frames arrive from the transport's reader one at a time (the handshake state is
 * touched only there); responses and callbacks are sent from any thread.
 */
final class ServerConnection implements FrameListener {
  private static final Logger LOG = LoggerFactory.getLogger(ServerConnection.class);

  /**
   * How long a GOODBYE said on a failure (from a reader or the handshake timer, which serve other
   * work too) may wait for a client that does not read.
   */
  /** Longest error message sent in a RESPONSE, in characters. */
  static final int MAX_ERROR_MESSAGE_CHARS = 4096;

  private static final long GOODBYE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  private static final Type[] SUBSCRIPTION_TYPES = {long.class};
  private static final Type[] ERROR_TYPES = {String.class, String.class, String.class};

  private enum State {
    AWAIT_HELLO,
    AWAIT_AUTH,
    READY,
    CLOSED
  }

  private final Connection connection;

  /** Replies and events: a slow or frozen client holds no server thread (see OutboundQueue). */
  private final OutboundQueue outbound;

  private final ServerSettings settings;
  private final SecureChannel secure;
  private final ConcurrentHashMap<Long, CallbackStub> subscriptions = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile State state = State.AWAIT_HELLO;
  private volatile boolean tokenBound; // set in onHello (before AUTH can arrive)
  private volatile Future<?> handshakeDeadline;

  /**
   * @param connection where frames are sent: the transport's connection, or {@code secure}
   * @param secure the encrypting layer when the server demands encryption, else null
   */
  ServerConnection(Connection connection, ServerSettings settings, SecureChannel secure) {
    this.connection = connection;
    this.outbound = new OutboundQueue(connection);
    this.settings = settings;
    this.secure = secure;
  }

  /** A listener for a new transport connection: wrapped in a {@link SecureChannel} if needed. */
  static org.witrpc.spi.FrameListener accept(Connection connection, ServerSettings settings) {
    if (!settings.encryption()) {
      ServerConnection sc = new ServerConnection(connection, settings, null);
      settings.lifecycle().add(sc);
      sc.startHandshakeDeadline();
      return sc;
    }
    SecureChannel channel = new SecureChannel().attach(connection);
    ServerConnection sc = new ServerConnection(channel, settings, channel);
    settings.lifecycle().add(sc);
    sc.startHandshakeDeadline();
    return channel.listener(sc);
  }

  /** Closes this connection unless it is READY when the handshake timeout has passed. */
  private void startHandshakeDeadline() {
    handshakeDeadline = settings.handshakeTimer().schedule(this::handshakeTimedOut);
  }

  private void handshakeTimedOut() {
    State s = state;
    if (s == State.READY || s == State.CLOSED) {
      return;
    }
    long millis = settings.handshakeTimer().timeout().toMillis();
    LOG.warn(
        "{}: no complete handshake within the handshake timeout of {} ms (state {}); closing",
        description(),
        millis,
        s);
    // the timer thread serves every connection: a peer that does not read cannot hold it
    goodbye(
        "handshake not completed within " + millis + " ms", System.nanoTime() + GOODBYE_WAIT_NANOS);
  }

  /**
   * The handshake and authorization are done: lifts the transport's pre-READY frame limit (before
   * AUTH_ACK goes out, so before the client can send a large frame) and ends the deadline.
   */
  private void becomeReady() {
    connection.allowLargeFrames();
    state = State.READY;
    Future<?> deadline = handshakeDeadline;
    if (deadline != null) {
      deadline.cancel(false);
    }
  }

  String description() {
    return connection.description();
  }

  @Override
  public void onFrame(ByteBuffer frame) {
    try {
      receive(frame);
    } catch (Throwable t) {
      failConnection("failed to handle a frame: " + t, t);
    }
  }

  private void receive(ByteBuffer frame) {
    Envelope env;
    try {
      env = EnvelopeCodec.decode(frame);
    } catch (WitException e) {
      violation(e.getMessage());
      return;
    }
    try {
      switch (state) {
        case AWAIT_HELLO -> onHello(env, frame);
        case AWAIT_AUTH -> onAuth(env);
        case READY -> onReady(env);
        case CLOSED -> LOG.debug("{}: frame after close dropped", description());
      }
    } catch (WitException e) {
      violation(e.getMessage());
    }
  }

  private void onHello(Envelope env, ByteBuffer frame) {
    if (env.type() != MessageType.HELLO) {
      violation(env.type() + " before HELLO");
      return;
    }
    if (!settings.lifecycle().accepting()) {
      refuse(MessageType.HELLO_ACK, Status.UNAVAILABLE, "server is not accepting connections");
      return;
    }
    Handshake.Hello hello = Handshake.readHello(env.body());
    String mismatch = null;
    if (hello.version() != Handshake.PROTOCOL_VERSION) {
      mismatch =
          "protocol version mismatch: client speaks version "
              + hello.version()
              + ", server speaks version "
              + Handshake.PROTOCOL_VERSION;
    } else if (!hello.serializer().equals(settings.serializer().name())) {
      mismatch =
          "serializer mismatch: client uses '"
              + hello.serializer()
              + "', server uses '"
              + settings.serializer().name()
              + "'";
    } else if (hello.encryption() != settings.encryption()) {
      mismatch =
          "encryption mismatch: client has encryption "
              + (hello.encryption() ? "on" : "off")
              + ", server has it "
              + (settings.encryption() ? "on" : "off");
    } else if (hello.tokenBinding() && !hello.encryption()) {
      mismatch = "token binding (flags bit 1) requires encryption (flags bit 0)";
    }
    if (mismatch != null) {
      refuse(MessageType.HELLO_ACK, Status.BAD_REQUEST, mismatch);
      return;
    }
    boolean serverBinds = settings.tokenCheck().binds();
    int flags =
        (settings.encryption() ? Handshake.FLAG_ENCRYPTION : 0)
            | (serverBinds ? Handshake.FLAG_TOKEN_BINDING : 0);
    Handshake.Hello ours =
        new Handshake.Hello(Handshake.PROTOCOL_VERSION, flags, settings.serializer().name());
    if (!settings.encryption()) {
      state = State.AWAIT_AUTH;
      connection.send(Handshake.hello(MessageType.HELLO_ACK, ours));
      return;
    }
    byte[] clientKey = Handshake.readPublicKey(env.body());
    KeyExchange kx = KeyExchange.generate();
    ByteBuffer ack = Handshake.hello(MessageType.HELLO_ACK, ours, kx.publicKey());
    byte[] transcript = new HandshakeTranscript().add(frame).add(ack).hash();
    tokenBound = serverBinds && hello.tokenBinding();
    SessionKeys keys =
        tokenBound
            ? SessionKeys.deriveBound(
                kx.agree(clientKey), transcript, settings.tokenCheck().binding().orElseThrow())
            : SessionKeys.derive(kx.agree(clientKey), transcript);
    state = State.AWAIT_AUTH;
    // HELLO_ACK is the last frame in clear each way; this reader handles the next frame (AUTH)
    // only after start(), and nothing else is sent before it
    connection.send(ack);
    secure.start(keys.sealer(false), keys.opener(false));
    keys.wipe();
  }

  private void onAuth(Envelope env) {
    if (env.type() != MessageType.AUTH) {
      violation(env.type() + " before AUTH");
      return;
    }
    if (tokenBound) {
      // AUTH opened with the token-bound key: the client holds the same token
      if (!Handshake.isTokenBound(env.body())) {
        LOG.info("{}: access token refused (sent although both sides bind it)", description());
        refuse(
            MessageType.AUTH_ACK,
            Status.UNAUTHORIZED,
            "access token refused: both sides bind the token into the keys, so AUTH must not carry"
                + " it");
        return;
      }
      becomeReady();
      connection.send(Handshake.status(MessageType.AUTH_ACK, Status.OK, ""));
      return;
    }
    if (Handshake.isTokenBound(env.body())) {
      refuse(
          MessageType.AUTH_ACK,
          Status.UNAUTHORIZED,
          "AUTH says the token is bound into the keys, but the handshake did not agree on it");
      return;
    }
    String token = Handshake.readAuth(env.body());
    if (!token.isEmpty() && settings.tokenCheck().binds()) {
      // a client that sends the token where the server binds it: never compare it (refuse alike)
      LOG.info("{}: access token refused (sent instead of bound)", description());
      refuse(
          MessageType.AUTH_ACK,
          Status.UNAUTHORIZED,
          "access token refused: this server binds the token into the key agreement"
              + " (HELLO flags bit 1); the client must bind it too instead of sending it");
      return;
    }
    boolean accepted;
    try {
      accepted = settings.tokenCheck().test(token);
    } catch (RuntimeException e) {
      LOG.warn("{}: token validator failed; refusing the client", description(), e);
      accepted = false;
    }
    if (!accepted) {
      LOG.info("{}: access token refused", description());
      refuse(
          MessageType.AUTH_ACK,
          Status.UNAUTHORIZED,
          token.isEmpty() ? "the server requires an access token" : "access token refused");
      return;
    }
    becomeReady();
    connection.send(Handshake.status(MessageType.AUTH_ACK, Status.OK, ""));
  }

  private void refuse(MessageType type, Status status, String message) {
    state = State.CLOSED;
    try {
      connection.send(Handshake.status(type, status, message));
    } finally {
      connection.close();
    }
  }

  private void violation(String reason) {
    LOG.warn("{}: protocol violation, closing: {}", description(), reason);
    state = State.CLOSED;
    try {
      connection.send(Handshake.goodbye("protocol violation: " + reason));
    } catch (WitException e) {
      LOG.debug("{}: could not send GOODBYE", description(), e);
    } finally {
      connection.close();
    }
  }

  private void onReady(Envelope env) {
    switch (env.type()) {
      case REQUEST, SUBSCRIBE, UNSUBSCRIBE -> dispatch(env);
      case GOODBYE -> {
        LOG.debug("{}: client said goodbye: {}", description(), Handshake.readGoodbye(env.body()));
        connection.close();
      }
      default -> violation("unexpected " + env.type() + " from a client");
    }
  }

  private void dispatch(Envelope env) {
    // every dispatched frame is answered exactly once, by sendResponse, which gives the slot back;
    // whatever is thrown before that (respondError and handle throw only then) is answered here
    inFlight.incrementAndGet();
    try {
      if (settings.lifecycle().draining()) {
        respondError(
            env.correlationId(), Status.UNAVAILABLE, null, "the server is shutting down", null);
        return;
      }
      if (inFlight.get() > settings.maxConcurrentCalls()) {
        respondError(
            env.correlationId(),
            Status.UNAVAILABLE,
            null,
            "too many concurrent calls on this connection (limit "
                + settings.maxConcurrentCalls()
                + ")",
            null);
        return;
      }
      if (runsInline(env)) {
        handleAnswered(env);
        return;
      }
      try {
        settings.executor().execute(() -> handleAnswered(env));
      } catch (RejectedExecutionException e) {
        respondError(
            env.correlationId(), Status.UNAVAILABLE, null, "the server is shutting down", null);
      }
    } catch (Throwable t) {
      unanswered(env.correlationId(), "request", t);
    }
  }

  /** Handles a dispatched request; whatever is thrown, it is answered or the connection closed. */
  private void handleAnswered(Envelope env) {
    try {
      handle(env);
    } catch (Throwable t) {
      unanswered(env.correlationId(), "request", t);
    }
  }

  /**
   * Answers request {@code id}, whose handling threw {@code t} before it was answered, with 500 (no
   * user code is called: {@code t}'s message is not read); if even that cannot be sent, gives the
   * slot back and closes the connection. Never throws.
   */
  private void unanswered(long id, String what, Throwable t) {
    LOG.error("{}: {} #{} failed; answering 500", description(), what, id, t);
    try {
      respondError(
          id,
          Status.SERVER_ERROR,
          t.getClass().getName(),
          what + " failed on the server with " + t.getClass().getName(),
          null);
    } catch (Throwable again) {
      inFlight.decrementAndGet();
      failConnection("cannot answer request #" + id + ": " + again, again);
    }
  }

  /** Closes the connection after a failure that leaves nothing else to do; never throws. */
  private void failConnection(String reason, Throwable t) {
    try {
      LOG.error("{}: {}; closing the connection", description(), reason, t);
      goodbye(reason, System.nanoTime() + GOODBYE_WAIT_NANOS);
    } catch (Throwable again) {
      state = State.CLOSED;
      connection.close();
    }
  }

  private boolean runsInline(Envelope env) {
    switch (settings.dispatch()) {
      case INLINE:
        return true;
      case EXECUTOR:
        return false;
      default:
        try {
          // peek at the route on a duplicate: handle() reads the body from its start
          ByteBuffer body = env.body().duplicate();
          CallDeadline.read(body);
          Optional<MethodInvoker> invoker = settings.registry().find(Route.read(body));
          return invoker.isPresent() && invoker.get().isQuick();
        } catch (WitException malformed) {
          return true; // answered at once with 400, no user code runs
        }
    }
  }

  private void handle(Envelope env) {
    long id = env.correlationId();
    Route route;
    long deadline;
    try {
      deadline = CallDeadline.read(env.body());
      route = Route.read(env.body());
    } catch (WitException e) {
      respondError(id, Status.BAD_REQUEST, null, e.getMessage(), null);
      return;
    }
    if (CallDeadline.hasPassed(deadline)) {
      respondError(
          id,
          Status.DEADLINE_EXCEEDED,
          null,
          route
              + ": deadline exceeded "
              + (System.currentTimeMillis() - deadline)
              + " ms before the server could start the call",
          null);
      return;
    }
    Optional<MethodInvoker> found = settings.registry().find(route);
    if (found.isEmpty()) {
      String what =
          settings.registry().hasService(route.service())
              ? "no method " + route.method() + " in service " + route.service()
              : "no service " + route.service() + " on this server";
      respondError(id, Status.NOT_FOUND, null, what, null);
      return;
    }
    MethodInvoker invoker = found.get();
    MethodDescriptor d = invoker.descriptor();
    boolean subscription = env.type() != MessageType.REQUEST;
    Type[] types = subscription ? SUBSCRIPTION_TYPES : d.parameterTypes();
    Object[] args;
    try {
      args = settings.serializer().read(env.body(), types);
    } catch (RuntimeException | StackOverflowError e) {
      // a WitSerializationException as a rule; another exception or a stack overflow from a
      // serializer that does not wrap them is the peer's bytes too. Other errors are a 500.
      respondError(
          id,
          Status.BAD_REQUEST,
          null,
          d.displayName() + ": cannot decode arguments: " + decodeFailure(e),
          null);
      return;
    } catch (Throwable t) {
      unanswered(id, d.displayName(), t);
      return;
    }
    switch (env.type()) {
      case SUBSCRIBE -> subscribe(id, invoker, route, (Long) args[0]);
      case UNSUBSCRIBE -> unsubscribe(id, invoker, (Long) args[0]);
      default -> call(id, invoker, args);
    }
  }

  private static String decodeFailure(Throwable e) {
    if (e instanceof WitException) {
      return e.getMessage();
    }
    return e instanceof StackOverflowError ? "nested too deeply (stack overflow)" : e.toString();
  }

  private void call(long id, MethodInvoker invoker, Object[] args) {
    MethodDescriptor d = invoker.descriptor();
    Object result;
    try {
      result = invoker.invoke(args);
    } catch (Throwable t) {
      respondThrown(id, d, t);
      return;
    }
    if (d.async() && result != null) {
      ((CompletionStage<?>) result)
          .whenComplete(
              (value, error) -> {
                try {
                  if (error != null) {
                    respondThrown(id, d, error);
                  } else {
                    respondOk(id, d, value);
                  }
                } catch (Throwable t) {
                  unanswered(id, d.displayName(), t);
                }
              });
    } else {
      respondOk(id, d, result);
    }
  }

  private void subscribe(long id, MethodInvoker add, Route route, long subscriptionId) {
    MethodDescriptor d = add.descriptor();
    if (d.kind() != MethodDescriptor.Kind.SUBSCRIBE) {
      respondError(
          id, Status.BAD_REQUEST, null, d.displayName() + " is not a listener add method", null);
      return;
    }
    String removeKey =
        "remove" + d.method().getName().substring(3) + "(" + d.listenerType().getName() + ")";
    MethodInvoker remove =
        settings.registry().find(new Route(route.service(), removeKey)).orElse(null);
    CallbackStub stub = CallbackStub.create(subscriptionId, d.listenerType(), this, remove);
    String refused = null;
    synchronized (subscriptions) { // subscribes are rare: the check and the put stay exact
      if (subscriptions.containsKey(subscriptionId)) {
        refused = "subscription id " + subscriptionId + " in use";
      } else if (subscriptions.size() >= settings.maxSubscriptions()) {
        refused =
            d.displayName()
                + ": too many subscriptions on this connection (limit "
                + settings.maxSubscriptions()
                + "); remove listeners that are no longer needed";
      } else {
        subscriptions.put(subscriptionId, stub);
      }
    }
    if (refused != null) {
      respondError(id, Status.BAD_REQUEST, null, refused, null);
      return;
    }
    try {
      add.invoke(new Object[] {stub.proxy()});
    } catch (Throwable t) {
      subscriptions.remove(subscriptionId, stub); // the implementation did not take it
      respondThrown(id, d, t);
      return;
    }
    respondOk(id, d, null);
    if (state == State.CLOSED) {
      try {
        removeAll(); // answered already: nothing may be thrown from here on
      } catch (Throwable t) {
        LOG.warn("{}: removing the subscriptions of a closed connection failed", description(), t);
      }
    }
  }

  private void unsubscribe(long id, MethodInvoker remove, long subscriptionId) {
    MethodDescriptor d = remove.descriptor();
    CallbackStub stub = subscriptions.remove(subscriptionId);
    if (d.kind() != MethodDescriptor.Kind.UNSUBSCRIBE || stub == null) {
      respondError(
          id,
          Status.BAD_REQUEST,
          null,
          d.displayName() + ": no subscription " + subscriptionId,
          null);
      return;
    }
    call(id, remove, new Object[] {stub.proxy()});
  }

  void sendCallback(long subscriptionId, MethodDescriptor d, Object[] args) {
    if (!connection.isOpen()) {
      LOG.debug("{}: callback {} to a closed connection dropped", description(), d);
      return;
    }
    FrameBuffer fb =
        new FrameBuffer(64 + settings.serializer().estimateSize(args, d.parameterTypes()));
    d.route().write(fb);
    settings.serializer().write(fb, args, d.parameterTypes());
    send(fb.finishParts(MessageType.CALLBACK, 0, 0, subscriptionId));
  }

  private void respondOk(long id, MethodDescriptor d, Object value) {
    Object[] values = {value};
    Type[] types = {d.resultType()};
    FrameBuffer fb = new FrameBuffer(settings.serializer().estimateSize(values, types));
    try {
      settings.serializer().write(fb, values, types);
    } catch (Throwable e) {
      // a WitSerializationException as a rule; an Error (a result too large or too deeply nested)
      // fails this call only
      fb.discard(); // a serializer's per-thread cache may keep the buffer: let go of its contents
      String why = e instanceof WitException ? e.getMessage() : e.getClass().getName();
      if (!(e instanceof WitException)) {
        LOG.warn("{}: {}: cannot encode the result", description(), d, e);
      }
      respondError(
          id,
          Status.SERVER_ERROR,
          e.getClass().getName(),
          d.displayName() + ": cannot encode the result: " + why,
          null);
      return;
    }
    sendResponse(fb.finishParts(MessageType.RESPONSE, 0, Status.OK.code(), id));
  }

  private void respondThrown(long id, MethodDescriptor d, Throwable t) {
    Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    LOG.debug("{}: {} threw", description(), d, cause);
    String trace = null;
    if (settings.sendStackTraces()) {
      StringWriter w = new StringWriter();
      cause.printStackTrace(new PrintWriter(w));
      trace = w.toString();
    }
    respondError(id, Status.SERVER_ERROR, cause.getClass().getName(), cause.getMessage(), trace);
  }

  private void respondError(
      long id, Status status, String className, String message, String trace) {
    FrameBuffer fb = new FrameBuffer();
    Object[] error = {className, cut(message), trace};
    settings.serializer().write(fb, error, ERROR_TYPES);
    sendResponse(fb.finishParts(MessageType.RESPONSE, 0, status.code(), id));
  }

  /**
   * An error message cut to {@link #MAX_ERROR_MESSAGE_CHARS}: a decoder's message may quote a path
   * as deep as the hostile input that caused it (Jackson's reference chain).
   */
  private static String cut(String message) {
    if (message == null || message.length() <= MAX_ERROR_MESSAGE_CHARS) {
      return message;
    }
    return message.substring(0, MAX_ERROR_MESSAGE_CHARS)
        + "... ("
        + (message.length() - MAX_ERROR_MESSAGE_CHARS)
        + " more characters cut)";
  }

  private void sendResponse(ByteBuffer... frame) {
    inFlight.decrementAndGet();
    send(frame);
  }

  /** Requests dispatched and not yet answered (for tests). */
  int inFlight() {
    return inFlight.get();
  }

  /** Sends a frame; never throws (a failure the transport did not report closes the connection). */
  private void send(ByteBuffer... frame) {
    try {
      outbound.send(frame);
    } catch (WitException e) {
      LOG.debug("{}: send failed (client gone?)", description(), e);
    } catch (Throwable t) {
      // what reached the peer is unknown: the stream cannot be trusted any more
      failConnection("send failed: " + t, t);
    }
  }

  /**
   * Says GOODBYE with {@code reason} (best effort: given up at {@code deadlineNanos}, for a client
   * that does not read) and closes the connection.
   */
  void goodbye(String reason, long deadlineNanos) {
    state = State.CLOSED;
    try {
      // behind the replies and events already queued for this client, if it takes them in time
      if (!outbound.sendBefore(deadlineNanos, Handshake.goodbye(reason))) {
        LOG.debug("{}: GOODBYE not sent: the client takes no bytes", description());
      }
    } catch (WitException e) {
      LOG.debug("{}: could not send GOODBYE", description(), e);
    } finally {
      connection.close();
    }
  }

  @Override
  public void onClosed(Throwable cause) {
    if (state == State.AWAIT_AUTH && tokenBound && cause instanceof WitSecurityException) {
      LOG.info(
          "{}: access token refused: AUTH did not authenticate with the token-bound key (the"
              + " client's token differs, or the client does not know it)",
          description());
    }
    settings.lifecycle().remove(this);
    state = State.CLOSED;
    Future<?> deadline = handshakeDeadline;
    if (deadline != null) {
      deadline.cancel(false);
    }
    LOG.debug("{}: closed", description(), cause);
    removeAll();
  }

  /** Calls the implementation's remove method for every subscription of this client. */
  private void removeAll() {
    for (Long key : List.copyOf(subscriptions.keySet())) {
      CallbackStub stub = subscriptions.remove(key);
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
                  "{}: {} failed for a disconnected client", description(), remove.descriptor(), t);
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
