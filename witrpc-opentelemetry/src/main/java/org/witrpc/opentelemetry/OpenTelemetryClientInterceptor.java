package org.witrpc.opentelemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.Objects;
import org.witrpc.Metadata;
import org.witrpc.ServerPing;
import org.witrpc.client.ClientInterceptor;

/**
 * A {@link ClientInterceptor} that traces each call with a CLIENT span, a child of the caller's
 * current span ({@link Context#current()}), and sends the span's context to the server in the
 * call's metadata through the {@code OpenTelemetry}'s text map propagator (W3C {@code traceparent}
 * and {@code tracestate} with the W3C propagator). Attributes and span names are in the {@linkplain
 * org.witrpc.opentelemetry package description}.
 *
 * <p>The span lasts from the proxy call to the call's outcome (for an asynchronous method, the
 * completion of its future, which this interceptor returns unchanged) and is current while the
 * later interceptors and the call run on the calling thread.
 *
 * <p>Thread safety: safe for concurrent use; one instance may serve several clients.
 */
public final class OpenTelemetryClientInterceptor implements ClientInterceptor {
  private final RpcSpans spans;
  private final TextMapPropagator propagator;

  /** An interceptor that traces with {@code openTelemetry}'s tracer and propagator. */
  public OpenTelemetryClientInterceptor(OpenTelemetry openTelemetry) {
    Objects.requireNonNull(openTelemetry, "openTelemetry == null");
    this.spans = new RpcSpans(openTelemetry, SpanKind.CLIENT);
    this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
  }

  @Override
  @SuppressWarnings("try") // the scope is only closed
  public Object intercept(Chain chain) {
    if (chain.method().serviceName().equals(ServerPing.class.getName())) {
      return chain.proceed(); // a health check's ping: the server traces it neither
    }
    Context parent = Context.current();
    Span span = spans.start(chain.method(), parent);
    Context context = parent.with(span);
    Metadata.Builder metadata = chain.metadata().toBuilder();
    propagator.inject(context, metadata, MetadataCarrier.SETTER);
    Object result;
    try (Scope ignored = context.makeCurrent()) {
      result = chain.proceed(metadata.build());
    } catch (RuntimeException | Error e) {
      RpcSpans.end(span, e, RpcSpans::clientStatus);
      throw e;
    }
    // the caller gets the call's own future: cancelling it cancels the call
    RpcSpans.endWith(span, chain.method().async(), result, RpcSpans::clientStatus);
    return result;
  }
}
