package org.witrpc.server;

import static org.witrpc.server.ServerConnection.LOG;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.witrpc.Status;
import org.witrpc.WitException;
import org.witrpc.internal.ErrorBody;
import org.witrpc.internal.FrameBuffer;
import org.witrpc.internal.MessageType;
import org.witrpc.internal.MethodDescriptor;
import org.witrpc.spi.Serializer;

/**
 * The RESPONSEs of one connection, and the count of requests in flight (dispatched and not yet
 * answered): a result (200), or an {@link ErrorBody} with the status of what went wrong. Every
 * answer gives its request's slot back. An error message is cut to {@link
 * ErrorBody#MAX_MESSAGE_CHARS}; a stack trace travels only if the server opts in.
 *
 * <p>Thread safety: safe for concurrent use; answers are sent from any thread.
 */
final class Responses {
  private final ServerConnection connection;
  private final Serializer serializer;
  private final boolean sendStackTraces;
  private final AtomicInteger inFlight = new AtomicInteger();

  Responses(ServerConnection connection, Serializer serializer, boolean sendStackTraces) {
    this.connection = connection;
    this.serializer = serializer;
    this.sendStackTraces = sendStackTraces;
  }

  /** Counts one more request in flight, which must then be answered. */
  void dispatched() {
    inFlight.incrementAndGet();
  }

  /** Requests dispatched and not yet answered. */
  int inFlight() {
    return inFlight.get();
  }

  /** Answers {@code id} with {@code value}, or with 500 if the result cannot be encoded. */
  void ok(long id, MethodDescriptor d, Object value) {
    Object[] values = {value};
    Type[] types = {d.resultType()};
    FrameBuffer fb = new FrameBuffer(serializer.estimateSize(values, types));
    try {
      serializer.write(fb, values, types);
    } catch (Throwable e) {
      // a WitSerializationException as a rule; an Error (a result too large or too deeply nested)
      // fails this call only
      fb.discard(); // a serializer's per-thread cache may keep the buffer: let go of its contents
      String why = e instanceof WitException ? e.getMessage() : e.getClass().getName();
      if (!(e instanceof WitException)) {
        LOG.warn("{}: {}: cannot encode the result", connection.description(), d, e);
      }
      error(
          id,
          Status.SERVER_ERROR,
          e.getClass().getName(),
          d.displayName() + ": cannot encode the result: " + why,
          null);
      return;
    }
    ByteBuffer[] answer = fb.finishParts(MessageType.RESPONSE, 0, Status.OK.code(), id);
    WitException refused = connection.refusal(answer);
    if (refused == null) {
      inFlight.decrementAndGet();
      refused = connection.sendOrRefusal(answer);
      if (refused != null) {
        inFlight.incrementAndGet(); // error() below answers it
      }
    }
    if (refused != null) {
      // a result larger than the client takes: the caller hears why at once instead of timing out
      connection.logRefused("the result of " + d, refused);
      error(
          id,
          Status.SERVER_ERROR,
          refused.getClass().getName(),
          d.displayName() + ": the result was not sent: " + refused.getMessage(),
          null);
    }
  }

  /** Answers {@code id} with 500 for what the implementation threw. */
  void thrown(long id, MethodDescriptor d, Throwable t) {
    thrown(id, d, t, null);
  }

  /**
   * Answers {@code id} for what the implementation or an interceptor threw: with the status of an
   * interceptor's refusal, 499 if {@code call} was cancelled by the client, else 500.
   *
   * @param call the call's context, or null for a call run without one
   */
  void thrown(long id, MethodDescriptor d, Throwable t, CallContext call) {
    Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    LOG.debug("{}: {} threw", connection.description(), d, cause);
    String trace = null;
    if (sendStackTraces) {
      StringWriter w = new StringWriter();
      cause.printStackTrace(new PrintWriter(w));
      trace = w.toString();
    }
    if (cause instanceof ServerInterceptors.InterceptorFailure f) {
      // a failure an interceptor threw: its status, the message naming the interceptor
      error(id, f.status(), f.getCause().getClass().getName(), f.getMessage(), trace);
      return;
    }
    Status status = call != null && call.isCancelled() ? Status.CANCELLED : Status.SERVER_ERROR;
    error(id, status, cause.getClass().getName(), cause.getMessage(), trace);
  }

  /**
   * Answers {@code id} with an error status and body; if the client does not take a body that large
   * (a long message or stack trace, a small maximum frame size), with the same status and a short
   * message saying so.
   */
  void error(long id, Status status, String className, String message, String trace) {
    FrameBuffer fb = new FrameBuffer();
    new ErrorBody(className, message, trace).write(serializer, fb);
    ByteBuffer[] answer = fb.finishParts(MessageType.RESPONSE, 0, status.code(), id);
    WitException refused = connection.refusal(answer);
    if (refused != null) {
      connection.logRefused("error answer #" + id, refused);
      FrameBuffer shorter = new FrameBuffer();
      new ErrorBody(className, "the error was too large to send: " + refused.getMessage(), null)
          .write(serializer, shorter);
      answer = shorter.finishParts(MessageType.RESPONSE, 0, status.code(), id);
      if (connection.refusal(answer) != null) {
        // a very small limit: a fixed answer, a few dozen bytes, at least says why
        FrameBuffer shortest = new FrameBuffer();
        new ErrorBody(null, "the error was too large for the client's maxFrameSize", null)
            .write(serializer, shortest);
        answer = shortest.finishParts(MessageType.RESPONSE, 0, status.code(), id);
      }
    }
    inFlight.decrementAndGet(); // nothing below throws: each request is answered once
    connection.send(answer);
  }

  /**
   * Answers request {@code id}, whose handling threw {@code t} before it was answered, with 500 (no
   * user code is called: {@code t}'s message is not read); if even that cannot be sent, gives the
   * slot back and closes the connection. Never throws.
   */
  void unanswered(long id, String what, Throwable t) {
    LOG.error("{}: {} #{} failed; answering 500", connection.description(), what, id, t);
    try {
      error(
          id,
          Status.SERVER_ERROR,
          t.getClass().getName(),
          what + " failed on the server with " + t.getClass().getName(),
          null);
    } catch (Throwable again) {
      inFlight.decrementAndGet();
      connection.failConnection("cannot answer request #" + id + ": " + again, again);
    }
  }
}
