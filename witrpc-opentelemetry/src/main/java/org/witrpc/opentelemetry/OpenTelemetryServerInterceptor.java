package org.witrpc.opentelemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.Objects;
import java.util.function.ToIntFunction;
import org.witrpc.server.CallContext;
import org.witrpc.server.ServerInterceptor;

/**
 * A {@link ServerInterceptor} that traces each call with a SERVER span whose parent is the trace
 * context the client sent in the call's metadata (read with the {@code OpenTelemetry}'s text map
 * propagator; a call without one starts a new trace). Attributes and span names are in the
 * {@linkplain org.witrpc.opentelemetry package description}; a failed call's {@code
 * rpc.witrpc.status_code} is the status the client is told ({@link CallContext#answerStatus}): 500
 * for what the method threw, the status of a later interceptor's refusal, or 499 (and no error
 * status on the span) for a call the client gave up on.
 *
 * <p>The span is current ({@link Span#current()}) on the thread that runs the method while it runs,
 * and ends when it returns or throws (for an asynchronous method, when its stage completes). Work
 * the method hands to other threads takes the span along as OpenTelemetry's {@link Context} does
 * ({@code Context.current().wrap(task)}).
 *
 * <p>The client's trace context is taken from any client that passed the handshake: a client can
 * join a trace of its choosing and, under a parent-based sampler (the SDK's default), decide
 * whether the server's span is sampled. On an endpoint that others can reach, sample on the
 * server's side, whatever the remote parent says:
 *
 * <pre>{@code
 * Sampler ratio = Sampler.traceIdRatioBased(0.01);
 * SdkTracerProvider tracing = SdkTracerProvider.builder()
 *     .setSampler(Sampler.parentBasedBuilder(ratio)
 *         .setRemoteParentSampled(ratio)
 *         .setRemoteParentNotSampled(ratio)
 *         .build())
 *     .build();
 * }</pre>
 *
 * <p>or give this interceptor an {@code OpenTelemetry} without propagators ({@code
 * OpenTelemetrySdk.builder().setTracerProvider(tracing).build()}), so that each call starts a trace
 * of its own.
 *
 * <p>Thread safety: safe for concurrent use; one instance may serve several servers.
 */
public final class OpenTelemetryServerInterceptor implements ServerInterceptor {
  private final RpcSpans spans;
  private final TextMapPropagator propagator;

  /** An interceptor that traces with {@code openTelemetry}'s tracer and propagator. */
  public OpenTelemetryServerInterceptor(OpenTelemetry openTelemetry) {
    Objects.requireNonNull(openTelemetry, "openTelemetry == null");
    this.spans = new RpcSpans(openTelemetry, SpanKind.SERVER);
    this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
  }

  @Override
  @SuppressWarnings("try") // the scope is only closed
  public Object intercept(Chain chain) throws Exception {
    Context parent =
        propagator.extract(Context.current(), chain.context().metadata(), MetadataCarrier.GETTER);
    Span span = spans.start(chain.method(), parent);
    CallContext call = chain.context();
    ToIntFunction<Throwable> statusOf = failure -> call.answerStatus(failure).code();
    Object result;
    try (Scope ignored = parent.with(span).makeCurrent()) {
      result = chain.proceed();
    } catch (Exception | Error e) {
      RpcSpans.end(span, e, statusOf);
      throw e;
    }
    return RpcSpans.endWith(span, chain.method().async(), result, statusOf);
  }
}
