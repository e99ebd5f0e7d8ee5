package org.witrpc.opentelemetry;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import org.witrpc.server.WitServer;

/**
 * The server JVM of {@link TracingAcrossJvmsTest}: serves {@link Traced} on the address given,
 * traced by its own OpenTelemetry SDK whose finished spans {@link Traced#finishedSpans()} returns;
 * prints {@code READY} once it serves and stops when its standard input ends.
 */
public final class TracingServerMain {
  private TracingServerMain() {}

  public static void main(String[] args) throws IOException {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    OpenTelemetrySdk otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    try (otel;
        WitServer server =
            WitServer.builder()
                .service(Traced.class, new TracedImpl(exporter::getFinishedSpanItems))
                .transport(args[0])
                .interceptor(new OpenTelemetryServerInterceptor(otel))
                .build()
                .start()) {
      System.out.println("READY " + server.address());
      System.out.flush();
      while (System.in.read() >= 0) {
        // until the test closes our standard input
      }
    }
  }
}
