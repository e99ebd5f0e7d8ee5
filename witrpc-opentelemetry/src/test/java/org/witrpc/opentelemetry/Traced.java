package org.witrpc.opentelemetry;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The service the tracing tests call. */
public interface Traced {
  /**
   * What the server sees: the id of the span current in the method, and the call's {@code
   * traceparent} and {@code tracestate} metadata, joined by {@code |}.
   */
  String serverView();

  /** Throws IllegalStateException. */
  void fail(String message);

  CompletableFuture<String> later(String value);

  /** The spans this server has finished, one {@link SpanLines} line each. */
  List<String> finishedSpans();
}
