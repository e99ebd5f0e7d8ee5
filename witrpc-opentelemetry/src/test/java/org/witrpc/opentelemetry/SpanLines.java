package org.witrpc.opentelemetry;

import io.opentelemetry.sdk.trace.data.SpanData;

/**
 * A finished span as one line, for the span that crosses a JVM boundary: {@code name kind traceId
 * spanId parentSpanId remoteParent}.
 */
final class SpanLines {
  private SpanLines() {}

  static String of(SpanData span) {
    return String.join(
        " ",
        span.getName(),
        span.getKind().name(),
        span.getTraceId(),
        span.getSpanId(),
        span.getParentSpanId(),
        Boolean.toString(span.getParentSpanContext().isRemote()));
  }
}
