package org.witrpc.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.witrpc.ServerPing;
import org.witrpc.WitRemoteException;
import org.witrpc.client.WitClient;
import org.witrpc.server.WitServer;
import org.witrpc.testkit.Await;

/**
 * Client and server spans of calls over {@code mem://}, recorded by the SDK's in-memory exporter:
 * one trace, the server span a child of the client span, the RPC attributes, failures.
 */
@SuppressWarnings("try") // scopes that are only closed
class OpenTelemetryInterceptorsTest {
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final String SERVICE = Traced.class.getName();

  @RegisterExtension static final OpenTelemetryExtension OTEL = OpenTelemetryExtension.create();

  private final String address =
      "mem://tracing" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private Traced connect(boolean traceTheClient) {
    closeables.add(
        WitServer.builder()
            .service(Traced.class, new TracedImpl(OTEL::getSpans))
            .transport(address)
            .interceptor(new OpenTelemetryServerInterceptor(OTEL.getOpenTelemetry()))
            .build()
            .start());
    WitClient.Builder builder = WitClient.builder().transport(address);
    if (traceTheClient) {
      builder.interceptor(new OpenTelemetryClientInterceptor(OTEL.getOpenTelemetry()));
    }
    WitClient client = builder.build();
    closeables.add(client);
    return client.connect(Duration.ofSeconds(10)).service(Traced.class);
  }

  @Test
  void aFailureWithoutAMessageIsDescribedByItsKind() {
    Span span = OTEL.getOpenTelemetry().getTracer("test").spanBuilder("call").startSpan();

    RpcSpans.end(span, new java.util.concurrent.CancellationException(), RpcSpans::clientStatus);

    assertThat(OTEL.getSpans())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
              assertThat(s.getStatus().getDescription()).isEqualTo("CancellationException");
            });
  }

  @Test
  void theBuiltInPingOfHealthChecksIsTracedByNeitherSide() throws Exception {
    connect(false);
    WitClient client =
        WitClient.builder()
            .transport(address)
            .interceptor(new OpenTelemetryClientInterceptor(OTEL.getOpenTelemetry()))
            .build();
    closeables.add(client);
    client.connect(Duration.ofSeconds(10));
    client.service(ServerPing.class).ping().get(10, TimeUnit.SECONDS);
    client.service(Traced.class).serverView();

    assertThat(OTEL.getSpans())
        .as("the call's two spans, none of the ping")
        .hasSize(2)
        .allSatisfy(span -> assertThat(span.getName()).startsWith(SERVICE + "/"));
  }

  @Test
  void theServerSpanIsAChildOfTheClientSpanInTheCallersTrace() {
    Traced traced = connect(true);
    Span parent = OTEL.getOpenTelemetry().getTracer("test").spanBuilder("caller").startSpan();
    String serverView;
    try (Scope ignored = parent.makeCurrent()) {
      serverView = traced.serverView();
    } finally {
      parent.end();
    }

    SpanData client = span(SpanKind.CLIENT);
    SpanData server = span(SpanKind.SERVER);
    assertThat(OTEL.getSpans()).hasSize(3);
    assertThat(client.getTraceId())
        .isEqualTo(server.getTraceId())
        .isEqualTo(parent.getSpanContext().getTraceId());
    assertThat(client.getParentSpanId()).isEqualTo(parent.getSpanContext().getSpanId());
    assertThat(server.getParentSpanId()).isEqualTo(client.getSpanId());
    assertThat(server.getParentSpanContext().isRemote()).isTrue();
    assertThat(serverView)
        .as("the server span is current in the method; the metadata carries the client span")
        .isEqualTo(
            server.getSpanId()
                + "|00-"
                + client.getTraceId()
                + "-"
                + client.getSpanId()
                + "-"
                + client.getSpanContext().getTraceFlags().asHex()
                + "|null");
    for (SpanData span : List.of(client, server)) {
      assertThat(span.getName()).isEqualTo(SERVICE + "/serverView");
      assertThat(span.getAttributes().asMap())
          .containsEntry(AttributeKey.stringKey("rpc.system"), "witrpc")
          .containsEntry(AttributeKey.stringKey("rpc.service"), SERVICE)
          .containsEntry(AttributeKey.stringKey("rpc.method"), "serverView")
          .containsEntry(AttributeKey.longKey("rpc.witrpc.status_code"), 200L)
          .doesNotContainKey(AttributeKey.stringKey("error.type"));
      assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    }
  }

  @Test
  void theTraceStateTravelsToTheServer() {
    Traced traced = connect(true);
    SpanContext remoteParent =
        SpanContext.createFromRemoteParent(
            "0af7651916cd43dd8448eb211c80319c",
            "b7ad6b7169203331",
            TraceFlags.getSampled(),
            TraceState.builder().put("vendor", "abc").build());
    String serverView;
    try (Scope ignored = Context.root().with(Span.wrap(remoteParent)).makeCurrent()) {
      serverView = traced.serverView();
    }

    SpanData server = span(SpanKind.SERVER);
    assertThat(server.getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(server.getSpanContext().getTraceState().get("vendor")).isEqualTo("abc");
    assertThat(serverView).endsWith("|vendor=abc");
  }

  @Test
  void aFailedCallEndsBothSpansInError() {
    Traced traced = connect(true);

    assertThatThrownBy(() -> traced.fail("no")).isInstanceOf(WitRemoteException.class);

    SpanData client = span(SpanKind.CLIENT);
    SpanData server = span(SpanKind.SERVER);
    assertThat(client.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(client.getAttributes().asMap())
        .containsEntry(AttributeKey.longKey("rpc.witrpc.status_code"), 500L)
        .containsEntry(AttributeKey.stringKey("error.type"), WitRemoteException.class.getName());
    assertThat(server.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(server.getAttributes().asMap())
        .containsEntry(AttributeKey.longKey("rpc.witrpc.status_code"), 500L)
        .containsEntry(AttributeKey.stringKey("error.type"), IllegalStateException.class.getName());
    assertThat(server.getEvents()).extracting(e -> e.getName()).containsExactly("exception");
    assertThat(server.getParentSpanId()).isEqualTo(client.getSpanId());
  }

  @Test
  void anAsynchronousCallsSpansEndWhenItsFutureCompletes() throws Exception {
    Traced traced = connect(true);

    assertThat(traced.later("x").join()).isEqualTo("x!");

    Await.until("both spans are exported", () -> OTEL.getSpans().size() >= 2);
    SpanData client = span(SpanKind.CLIENT);
    SpanData server = span(SpanKind.SERVER);
    assertThat(server.getParentSpanId()).isEqualTo(client.getSpanId());
    assertThat(client.getName()).isEqualTo(SERVICE + "/later");
    assertThat(client.getAttributes().get(AttributeKey.longKey("rpc.witrpc.status_code")))
        .isEqualTo(200L);
  }

  @Test
  void aCallWithoutTraceContextStartsANewTraceOnTheServer() {
    Traced traced = connect(false);

    String serverView = traced.serverView();

    SpanData server = span(SpanKind.SERVER);
    assertThat(OTEL.getSpans()).hasSize(1);
    assertThat(server.getParentSpanContext().isValid()).isFalse();
    assertThat(serverView).isEqualTo(server.getSpanId() + "|null|null");
  }

  private static SpanData span(SpanKind kind) {
    List<SpanData> spans = OTEL.getSpans().stream().filter(s -> s.getKind() == kind).toList();
    assertThat(spans).as(kind + " spans").hasSize(1);
    return spans.get(0);
  }
}
