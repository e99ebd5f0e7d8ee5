package org.witrpc.opentelemetry;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.witrpc.Metadata;
import org.witrpc.server.CallContext;

/** Answers with what the server sees of the trace. */
final class TracedImpl implements Traced {
  private final Supplier<List<SpanData>> finished;

  TracedImpl(Supplier<List<SpanData>> finished) {
    this.finished = finished;
  }

  @Override
  public String serverView() {
    Metadata metadata = CallContext.current().metadata();
    return Span.current().getSpanContext().getSpanId()
        + "|"
        + metadata.get("traceparent")
        + "|"
        + metadata.get("tracestate");
  }

  @Override
  public void fail(String message) {
    throw new IllegalStateException(message);
  }

  @Override
  public CompletableFuture<String> later(String value) {
    return CompletableFuture.supplyAsync(() -> value + "!");
  }

  @Override
  public List<String> finishedSpans() {
    return finished.get().stream().map(SpanLines::of).toList();
  }
}
