package org.witrpc.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.witrpc.WitException;
import org.witrpc.WitRemoteException;
import org.witrpc.client.WitClient;
import org.witrpc.server.Dispatch;
import org.witrpc.server.ServerInterceptor;
import org.witrpc.server.WitServer;
import org.witrpc.testkit.Await;

/**
 * The server's {@code outcome} tag is what the client is told: a later interceptor's refusal is its
 * status (not the server's internal wrapper), a method relaying another server's 404 is answered
 * 500 and tagged with its class, a call the client gave up on is {@code CANCELLED}.
 */
class ServerOutcomesTest {
  private static final AtomicInteger NAMES = new AtomicInteger();

  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final List<Throwable> seenByTheOuterInterceptor = new CopyOnWriteArrayList<>();
  private WitServer server;
  private WitClient client;

  private OutcomesService connect(ServerInterceptor inner, Duration timeout) {
    String address =
        "mem://outcomes" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();
    ServerInterceptor watching =
        chain -> {
          try {
            return chain.proceed();
          } catch (Exception e) {
            seenByTheOuterInterceptor.add(e);
            throw e;
          }
        };
    server =
        WitServer.builder()
            .service(OutcomesService.class, new OutcomesService.Impl())
            .transport(address)
            .dispatch(Dispatch.EXECUTOR)
            .interceptor(new MicrometerServerInterceptor(registry))
            .interceptor(watching)
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

  @Test
  void aLaterInterceptorsRefusalIsTaggedWithTheStatusTheClientGets() {
    WitRemoteException refusal = new WitRemoteException(561, "Refused", "no token", null);
    OutcomesService service =
        connect(
            chain -> {
              throw refusal;
            },
            Duration.ofSeconds(10));

    assertThatThrownBy(() -> service.greet("a"))
        .isInstanceOfSatisfying(
            WitRemoteException.class, e -> assertThat(e.status()).isEqualTo(561));

    assertThat(outcomes("greet")).containsExactly("UNAUTHORIZED");
    assertThat(seenByTheOuterInterceptor)
        .as("what it threw, not a wrapper")
        .containsExactly(refusal);
  }

  @Test
  void aMethodRelayingAnotherServersStatusIsAnswered500AndTaggedWithItsClass() {
    OutcomesService service = connect(ServerInterceptor.Chain::proceed, Duration.ofSeconds(10));

    assertThatThrownBy(service::relay)
        .isInstanceOfSatisfying(
            WitRemoteException.class, e -> assertThat(e.status()).isEqualTo(500));

    assertThat(outcomes("relay")).containsExactly("WitRemoteException");
  }

  @Test
  void aCallTheClientGaveUpOnIsTaggedCancelled() {
    OutcomesService service = connect(ServerInterceptor.Chain::proceed, Duration.ofMillis(300));

    assertThatThrownBy(service::sleep).isInstanceOf(WitException.class);

    Await.until("the server recorded the call", () -> !outcomes("sleep").isEmpty());
    assertThat(outcomes("sleep")).containsExactly("CANCELLED");
  }

  private List<String> outcomes(String method) {
    return registry.find("witrpc.server.calls").tag("method", method).timers().stream()
        .filter(t -> t.count() > 0)
        .map(Timer::getId)
        .map(id -> id.getTag("outcome"))
        .toList();
  }
}
