package org.witrpc.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.witrpc.client.WitClient;
import org.witrpc.process.JavaCommand;

/**
 * One trace across two JVMs: this JVM calls a server JVM ({@link TracingServerMain}, with its own
 * OpenTelemetry SDK) over {@code pipe://}; the server returns the spans it finished, and its SERVER
 * span continues this JVM's trace as a child of the CLIENT span.
 */
@SuppressWarnings("try") // a scope that is only closed
class TracingAcrossJvmsTest {
  @RegisterExtension static final OpenTelemetryExtension OTEL = OpenTelemetryExtension.create();

  @Test
  void theServerJvmsSpanContinuesTheClientJvmsTrace() throws Exception {
    String address = "pipe://tracing-jvm" + ProcessHandle.current().pid();
    Process server =
        new ProcessBuilder(
                JavaCommand.mainClass(TracingServerMain.class)
                    .jvmOptions("-Xmx128m", "-XX:TieredStopAtLevel=1")
                    .args(address)
                    .toList())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try (WitClient client =
        WitClient.builder()
            .transport(address)
            .interceptor(new OpenTelemetryClientInterceptor(OTEL.getOpenTelemetry()))
            .build()) {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).as("the server JVM's first line").startsWith("READY ");
      Traced traced = client.connect(Duration.ofSeconds(10)).service(Traced.class);

      Span parent = OTEL.getOpenTelemetry().getTracer("test").spanBuilder("caller").startSpan();
      try (Scope ignored = parent.makeCurrent()) {
        traced.serverView();
      } finally {
        parent.end();
      }
      List<String> serverSpans = traced.finishedSpans();

      SpanData clientSpan =
          OTEL.getSpans().stream()
              .filter(s -> s.getKind() == SpanKind.CLIENT && s.getName().endsWith("/serverView"))
              .findFirst()
              .orElseThrow();
      assertThat(clientSpan.getTraceId()).isEqualTo(parent.getSpanContext().getTraceId());
      assertThat(serverSpans)
          .as("the server JVM's finished spans: name kind traceId spanId parentSpanId remote")
          .hasSize(1)
          .first()
          .asString()
          .matches(
              Traced.class.getName()
                  + "/serverView SERVER "
                  + clientSpan.getTraceId()
                  + " [0-9a-f]{16} "
                  + clientSpan.getSpanId()
                  + " true");
    } finally {
      server.getOutputStream().close();
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly().waitFor();
      }
    }
    assertThat(server.exitValue()).as("the server JVM's exit code").isZero();
  }
}
