package org.witrpc.opentelemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.ToIntFunction;
import org.witrpc.RpcMethod;
import org.witrpc.Status;
import org.witrpc.WitRemoteException;

/**
 * Starts and ends the spans of calls, with the RPC semantic conventions' attributes.
 *
 * <p>Thread safety: immutable.
 */
final class RpcSpans {
  static final String INSTRUMENTATION_NAME = "org.witrpc.opentelemetry";
  static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
  static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
  static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
  static final AttributeKey<Long> STATUS_CODE = AttributeKey.longKey("rpc.witrpc.status_code");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  private final Tracer tracer;
  private final SpanKind kind;

  RpcSpans(OpenTelemetry openTelemetry, SpanKind kind) {
    this.tracer = openTelemetry.getTracer(INSTRUMENTATION_NAME);
    this.kind = kind;
  }

  /** Starts the span of a call of {@code method}, a child of {@code parent}. */
  Span start(RpcMethod method, Context parent) {
    return tracer
        .spanBuilder(method.serviceName() + '/' + method.methodName())
        .setParent(parent)
        .setSpanKind(kind)
        .setAttribute(RPC_SYSTEM, "witrpc")
        .setAttribute(RPC_SERVICE, method.serviceName())
        .setAttribute(RPC_METHOD, method.methodName())
        .startSpan();
  }

  /**
   * Ends {@code span} of a call that succeeded ({@code failure} null) or failed; {@code statusOf}
   * gives the status code of a failure (0: none). A call the client gave up on (499, seen by a
   * server) is no error of the server's: its span keeps the status unset.
   */
  static void end(Span span, Throwable failure, ToIntFunction<Throwable> statusOf) {
    if (failure == null) {
      span.setAttribute(STATUS_CODE, 200L);
    } else {
      Throwable t = unwrap(failure);
      int status = statusOf.applyAsInt(t);
      if (status != 0) {
        span.setAttribute(STATUS_CODE, (long) status);
      }
      span.setAttribute(ERROR_TYPE, t.getClass().getName());
      if (status != Status.CANCELLED.code()) {
        String message = t.getMessage();
        // a failure without a message (a cancelled call) is described by its kind, not "null"
        span.setStatus(
            StatusCode.ERROR,
            message == null || message.isBlank() ? t.getClass().getSimpleName() : message);
        span.recordException(t);
      }
    }
    span.end();
  }

  /**
   * Ends {@code span} of a call whose chain returned {@code result}: now, or for an asynchronous
   * method when its stage completes.
   *
   * @return {@code result}, or for an asynchronous method the stage that completes after the span
   *     ends
   */
  static Object endWith(
      Span span, boolean async, Object result, ToIntFunction<Throwable> statusOf) {
    if (async && result instanceof CompletionStage<?> stage) {
      return stage.whenComplete((value, failure) -> end(span, failure, statusOf));
    }
    end(span, null, statusOf);
    return result;
  }

  /** The status code of a failure a client sees: a remote failure's, else none (0). */
  static int clientStatus(Throwable t) {
    return t instanceof WitRemoteException remote ? remote.status() : 0;
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
