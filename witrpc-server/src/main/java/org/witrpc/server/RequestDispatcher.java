package org.witrpc.server;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import org.witrpc.Status;
import org.witrpc.WitException;
import org.witrpc.internal.CallDeadline;
import org.witrpc.internal.Envelope;
import org.witrpc.internal.MessageType;
import org.witrpc.internal.MethodDescriptor;
import org.witrpc.internal.Route;
import org.witrpc.internal.SubscriptionBody;

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
 * <p>Thread safety: {@link #dispatch} is called by the transport's reader; requests run and are
 * answered on any thread.
 */
final class RequestDispatcher {
  private final ServerSettings settings;
  private final Responses responses;
  private final Subscriptions subscriptions;

  RequestDispatcher(ServerSettings settings, Responses responses, Subscriptions subscriptions) {
    this.settings = settings;
    this.responses = responses;
    this.subscriptions = subscriptions;
  }

  /** Runs (or refuses) a REQUEST, SUBSCRIBE or UNSUBSCRIBE; answers it whatever happens. */
  void dispatch(Envelope env) {
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
      if (runsInline(env)) {
        handleAnswered(env);
        return;
      }
      try {
        settings.executor().execute(() -> handleAnswered(env));
      } catch (RejectedExecutionException e) {
        responses.error(
            env.correlationId(), Status.UNAVAILABLE, null, "the server is shutting down", null);
      }
    } catch (Throwable t) {
      responses.unanswered(env.correlationId(), "request", t);
    }
  }

  /** Handles a dispatched request; whatever is thrown, it is answered or the connection closed. */
  private void handleAnswered(Envelope env) {
    try {
      handle(env);
    } catch (Throwable t) {
      responses.unanswered(env.correlationId(), "request", t);
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
      responses.error(id, Status.BAD_REQUEST, null, e.getMessage(), null);
      return;
    }
    if (CallDeadline.hasPassed(deadline)) {
      responses.error(
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
      responses.error(id, Status.NOT_FOUND, null, what, null);
      return;
    }
    MethodInvoker invoker = found.get();
    MethodDescriptor d = invoker.descriptor();
    Object[] args;
    try {
      args = decode(env, d);
    } catch (RuntimeException | StackOverflowError e) {
      // a WitSerializationException as a rule; another exception or a stack overflow from a
      // serializer that does not wrap them is the peer's bytes too. Other errors are a 500.
      responses.error(
          id,
          Status.BAD_REQUEST,
          null,
          d.displayName() + ": cannot decode arguments: " + decodeFailure(e),
          null);
      return;
    } catch (Throwable t) {
      responses.unanswered(id, d.displayName(), t);
      return;
    }
    switch (env.type()) {
      case SUBSCRIBE -> subscriptions.subscribe(id, invoker, route, (Long) args[0]);
      case UNSUBSCRIBE -> unsubscribe(id, invoker, (Long) args[0]);
      default -> call(id, invoker, args);
    }
  }

  /** The arguments of a REQUEST, or the subscription id of a SUBSCRIBE / UNSUBSCRIBE. */
  private Object[] decode(Envelope env, MethodDescriptor d) {
    if (env.type() == MessageType.REQUEST) {
      return settings.serializer().read(env.body(), d.parameterTypes());
    }
    return new Object[] {SubscriptionBody.read(settings.serializer(), env.body())};
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
      responses.thrown(id, d, t);
      return;
    }
    if (d.async() && result != null) {
      ((CompletionStage<?>) result)
          .whenComplete(
              (value, error) -> {
                try {
                  if (error != null) {
                    responses.thrown(id, d, error);
                  } else {
                    responses.ok(id, d, value);
                  }
                } catch (Throwable t) {
                  responses.unanswered(id, d.displayName(), t);
                }
              });
    } else {
      responses.ok(id, d, result);
    }
  }

  /** Hands the subscription's stub to {@code remove} if that is its add method's pair, else 400. */
  private void unsubscribe(long id, MethodInvoker remove, long subscriptionId) {
    Optional<CallbackStub> stub = subscriptions.remove(remove, subscriptionId);
    if (stub.isEmpty()) {
      responses.error(
          id,
          Status.BAD_REQUEST,
          null,
          remove.descriptor().displayName() + ": no subscription " + subscriptionId,
          null);
      return;
    }
    call(id, remove, new Object[] {stub.get().proxy()});
  }
}
