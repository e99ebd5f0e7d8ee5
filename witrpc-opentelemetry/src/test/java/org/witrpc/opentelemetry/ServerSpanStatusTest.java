package org.witrpc.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.witrpc.WitException;
import org.witrpc.WitRemoteException;
import org.witrpc.client.WitClient;
import org.witrpc.server.Dispatch;
import org.witrpc.server.ServerInterceptor;
import org.witrpc.server.WitServer;
import org.witrpc.testkit.Await;

/**
 * A server span's {@code rpc.witrpc.status_code} is the status the client is told: a later
 * interceptor's refusal keeps its status and its exception type, a method relaying another server's
 * 404 is 500, a call the client gave up on is 499 and no error of the server's.
 */
class ServerSpanStatusTest {
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final AttributeKey<Long> STATUS = AttributeKey.longKey("rpc.witrpc.status_code");

  @RegisterExtension static final OpenTelemetryExtension OTEL = OpenTelemetryExtension.create();

  private WitServer server;
  private WitClient client;

  private OutcomesService connect(ServerInterceptor inner, Duration timeout) {
    String address = "mem://spans" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();
    server =
        WitServer.builder()
            .service(OutcomesService.class, new OutcomesService.Impl())
            .transport(address)
            .dispatch(Dispatch.EXECUTOR)
            .interceptor(new OpenTelemetryServerInterceptor(OTEL.getOpenTelemetry()))
            .interceptor(inner)
            .build()
            .start();
    client = WitClient.builder().transport(address).timeout(timeout).build();
    return client.connect(Duration.ofSeconds(10)).service(OutcomesService.class);
  }

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private SpanData serverSpan() {
    Await.until(
        "the server span ended",
        () -> OTEL.getSpans().stream().anyMatch(s -> s.getKind() == SpanKind.SERVER));
    return OTEL.getSpans().stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().get();
  }

  @Test
  void aLaterInterceptorsRefusalKeepsItsStatusAndType() {
    OutcomesService service =
        connect(
            chain -> {
              throw new WitRemoteException(561, "Refused", "no token", null);
            },
            Duration.ofSeconds(10));

    assertThatThrownBy(() -> service.greet("a"))
        .isInstanceOfSatisfying(
            WitRemoteException.class, e -> assertThat(e.status()).isEqualTo(561));

    SpanData span = serverSpan();
    assertThat(span.getAttributes().get(STATUS)).isEqualTo(561L);
    assertThat(span.getAttributes().get(RpcSpans.ERROR_TYPE))
        .isEqualTo(WitRemoteException.class.getName());
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
  }

  @Test
  void aMethodRelayingAnotherServersStatusIs500() {
    OutcomesService service = connect(ServerInterceptor.Chain::proceed, Duration.ofSeconds(10));

    assertThatThrownBy(service::relay)
        .isInstanceOfSatisfying(
            WitRemoteException.class, e -> assertThat(e.status()).isEqualTo(500));

    assertThat(serverSpan().getAttributes().get(STATUS)).isEqualTo(500L);
  }

  @Test
  void aCallTheClientGaveUpOnIs499AndNoError() {
    OutcomesService service = connect(ServerInterceptor.Chain::proceed, Duration.ofMillis(300));

    assertThatThrownBy(service::sleep).isInstanceOf(WitException.class);

    SpanData span = serverSpan();
    assertThat(span.getAttributes().get(STATUS)).isEqualTo(499L);
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
  }
}
