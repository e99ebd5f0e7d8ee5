package org.witrpc.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.witrpc.MemTransport;
import org.witrpc.client.ConnectionState;
import org.witrpc.client.WitClient;
import org.witrpc.server.WitServer;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.ServerTransport;
import org.witrpc.testkit.Await;

class WitClientAutoConfigurationTest {

  /** A bean with a proxy field to fill. */
  static class UsesCalculator {
    @WitProxy("calc")
    Calculator calc;
  }

  /** A bean that names a client nobody configured. */
  static class UsesUnknownClient {
    @WitProxy("nobody")
    Calculator calc;
  }

  @Test
  void noClientsWithoutClientProperties() {
    Runners.witrpc()
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(WitClients.class));
  }

  @Test
  void clientsByNameCallTheServerOfTheSameContext() {
    String uri = TestNames.memUri();
    Runners.witrpc()
        .withBean(CalculatorImpl.class)
        .withBean(UsesCalculator.class)
        .withPropertyValues("witrpc.server.uri=" + uri, "witrpc.client.calc.uri=" + uri)
        .run(
            context -> {
              WitClients clients = context.getBean(WitClients.class);
              assertThat(clients.names()).containsExactly("calc");
              assertThat(clients.client("calc").state()).isEqualTo(ConnectionState.READY);
              assertThat(clients.service("calc", Calculator.class).add(20, 22)).isEqualTo(42);
              assertThat(context.getBean(UsesCalculator.class).calc.add(1, 2)).isEqualTo(3);
            });
  }

  @Test
  void clientsAreClosedWithTheContext() {
    String uri = TestNames.memUri();
    WitClient[] client = new WitClient[1];
    Runners.witrpc()
        .withBean(CalculatorImpl.class)
        .withPropertyValues("witrpc.server.uri=" + uri, "witrpc.client.calc.uri=" + uri)
        .run(context -> client[0] = context.getBean(WitClients.class).client("calc"));
    assertThat(client[0].state()).isEqualTo(ConnectionState.CLOSED);
  }

  @Test
  void anUnknownClientNameFailsNamingTheField() {
    String uri = TestNames.memUri();
    Runners.witrpc()
        .withBean(CalculatorImpl.class)
        .withBean(UsesUnknownClient.class)
        .withPropertyValues("witrpc.server.uri=" + uri, "witrpc.client.calc.uri=" + uri)
        .run(
            context ->
                assertThat(Runners.failureMessages(context))
                    .contains("@WitProxy(\"nobody\") field calc", "configured: [calc]"));
  }

  @Test
  void aProxyFieldWithoutAnyClientFailsNamingTheProperty() {
    Runners.witrpc()
        .withBean(UsesUnknownClient.class)
        .run(
            context ->
                assertThat(Runners.failureMessages(context))
                    .contains("no witrpc client is configured (witrpc.client.nobody.uri)"));
  }

  @Test
  void anEagerClientWhoseServerIsAbsentFailsTheStartupNamingTheClient() {
    Runners.witrpc()
        .withPropertyValues(
            "witrpc.client.calc.uri=" + TestNames.memUri(), "witrpc.client.calc.connect-timeout=1s")
        .run(
            context ->
                assertThat(Runners.failureMessages(context))
                    .contains(
                        "witrpc client 'calc' could not connect",
                        "witrpc.client.calc.uri",
                        "witrpc.client.calc.connect=lazy"));
  }

  @Test
  @SuppressWarnings("try") // the server is only closed
  void anEagerClientRefusedByItsServerIsToldToCheckItsSettingsNotToWait() {
    String uri = TestNames.memUri();
    try (WitServer server =
        WitServer.builder()
            .service(Calculator.class, new CalculatorImpl())
            .accessToken("s3cret")
            .transport(uri)
            .build()
            .start()) {
      Runners.witrpc()
          .withPropertyValues("witrpc.client.calc.uri=" + uri)
          .run(
              context ->
                  assertThat(Runners.failureMessages(context))
                      .contains("witrpc client 'calc' could not connect")
                      .contains("witrpc.client.calc.access-token")
                      .doesNotContain("connect=lazy"));
    }
  }

  @Test
  void anEmptyAccessTokenFailsStartupNamingTheProperty() {
    Runners.witrpc()
        .withPropertyValues(
            "witrpc.client.calc.uri=" + TestNames.memUri(),
            "witrpc.client.calc.connect=lazy",
            "witrpc.client.calc.access-token=")
        .run(
            context ->
                assertThat(Runners.failureDescription(context))
                    .contains("'witrpc.client.calc.access-token'", "empty or blank"));
  }

  @Test
  void aLazyClientConnectsAtItsFirstCall() {
    String uri = TestNames.memUri();
    Runners.witrpc()
        .withPropertyValues("witrpc.client.calc.uri=" + uri, "witrpc.client.calc.connect=lazy")
        .run(
            context -> {
              WitClients clients = context.getBean(WitClients.class);
              Calculator calc = clients.service("calc", Calculator.class);
              assertThat(clients.client("calc").state()).isEqualTo(ConnectionState.DISCONNECTED);
              assertThat(calc.toString()).contains("client 'calc'");
              assertThat(clients.client("calc").state()).isEqualTo(ConnectionState.DISCONNECTED);
              try (WitServer server =
                  WitServer.builder()
                      .service(Calculator.class, new CalculatorImpl())
                      .transport(uri)
                      .build()
                      .start()) {
                assertThat(calc.add(1, 2)).isEqualTo(3);
                assertThat(server.connectionCount()).isEqualTo(1);
                assertThat(clients.client("calc").state()).isEqualTo(ConnectionState.READY);
                assertThat(clients.service("calc", Calculator.class)).isSameAs(calc);
              }
            });
  }

  /**
   * Callers that find a lazy client unconnected at once share one connect: against a server that
   * takes connections and never answers, the fourth caller does not wait for three timed-out
   * connects before its own (each connect is one connection the server takes).
   */
  @Test
  void lazyCallersAtOnceShareOneConnect() throws Exception {
    String uri = TestNames.memUri();
    AtomicInteger taken = new AtomicInteger();
    ServerTransport silent = MemTransport.server(uri.substring("mem://".length()));
    silent.start(
        connection -> {
          taken.incrementAndGet();
          return new FrameListener() {
            @Override
            public void onFrame(ByteBuffer frame) {} // never answers the handshake

            @Override
            public void onClosed(Throwable cause) {}
          };
        });
    try {
      Runners.witrpc()
          .withPropertyValues(
              "witrpc.client.calc.uri=" + uri,
              "witrpc.client.calc.connect=lazy",
              "witrpc.client.calc.connect-timeout=5s")
          .run(
              context -> {
                Calculator calc =
                    context.getBean(WitClients.class).service("calc", Calculator.class);
                List<Thread> callers = new ArrayList<>();
                List<Throwable> failures = new CopyOnWriteArrayList<>();
                for (int i = 0; i < 4; i++) {
                  Thread caller =
                      new Thread(
                          () -> {
                            try {
                              calc.add(1, 2);
                            } catch (RuntimeException e) {
                              failures.add(e);
                            }
                          });
                  callers.add(caller);
                  caller.start();
                }
                Await.until(
                    "all four callers waiting while the first connect is under way",
                    () ->
                        taken.get() == 1
                            && callers.stream()
                                .allMatch(t -> t.getState() == Thread.State.TIMED_WAITING));
                for (Thread caller : callers) {
                  caller.join(30_000);
                }
                assertThat(failures).hasSize(4);
                assertThat(taken).as("connections the server took").hasValue(1);
              });
    } finally {
      silent.close();
    }
  }

  @Test
  void clientPropertiesOutOfRangeFailNamingTheProperty() {
    Runners.witrpc()
        .withPropertyValues(
            "witrpc.client.calc.uri=" + TestNames.memUri(), "witrpc.client.calc.timeout=0s")
        .run(
            context ->
                assertThat(Runners.failureDescription(context))
                    .contains("'witrpc.client.calc.timeout'"));
    Runners.witrpc()
        .withPropertyValues(
            "witrpc.client.calc.uri=" + TestNames.memUri(), "witrpc.client.calc.max-frame-size=3GB")
        .run(
            context ->
                assertThat(Runners.failureDescription(context))
                    .contains("'witrpc.client.calc.max-frame-size'", "out of range"));
    Runners.witrpc()
        .withPropertyValues(
            "witrpc.client.calc.uri=" + TestNames.memUri(),
            "witrpc.client.calc.connect=lazy",
            "witrpc.client.calc.connect-timeout=0s")
        .run(
            context ->
                assertThat(Runners.failureDescription(context))
                    .contains("'witrpc.client.calc.connect-timeout'", "longer than 0"));
    Runners.witrpc()
        .withPropertyValues(
            "witrpc.client.calc.uri=" + TestNames.memUri(),
            "witrpc.client.calc.reconnect.enabled=true",
            "witrpc.client.calc.reconnect.max-attempts=-1")
        .run(
            context ->
                assertThat(Runners.failureDescription(context))
                    .contains("'witrpc.client.calc.reconnect'", "maxAttempts"));
  }

  @Test
  void aClientWithoutUriOrTransportFailsNamingTheProperty() {
    Runners.witrpc()
        .withPropertyValues("witrpc.client.calc.timeout=5s")
        .run(
            context ->
                assertThat(Runners.failureDescription(context))
                    .contains("'witrpc.client.calc.uri'", "not set"));
    Runners.witrpc()
        .withPropertyValues("witrpc.client.calc.uri=ws://127.0.0.1:1/x")
        .run(
            context ->
                assertThat(Runners.failureDescription(context))
                    .contains("'witrpc.client.calc.uri'", "org.witrpc:witrpc-transport-websocket"));
  }

  @Test
  void customizersSeeEveryClientByName() {
    String uri = TestNames.memUri();
    List<String> seen = new CopyOnWriteArrayList<>();
    Runners.witrpc()
        .withBean(CalculatorImpl.class)
        .withBean(WitClientBuilderCustomizer.class, () -> (name, builder) -> seen.add(name))
        .withPropertyValues(
            "witrpc.server.uri=" + uri,
            "witrpc.client.one.uri=" + uri,
            "witrpc.client.two.uri=" + uri,
            "witrpc.client.two.connect=lazy")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(seen).containsExactly("one", "two");
            });
  }

  @Test
  void backsOffWhenTheApplicationDefinesItsOwnClients() {
    String uri = TestNames.memUri();
    Runners.witrpc()
        .withBean(CalculatorImpl.class)
        .withBean(UsesCalculator.class)
        .withBean(
            WitClients.class,
            () ->
                WitClients.of(
                    Map.of("calc", WitClient.builder().transport(uri).build()),
                    Duration.ofSeconds(5)))
        .withPropertyValues("witrpc.server.uri=" + uri, "witrpc.client.ignored.uri=mem://none")
        .run(
            context -> {
              assertThat(context).hasSingleBean(WitClients.class);
              assertThat(context.getBean(WitClients.class).names()).containsExactly("calc");
              assertThat(context.getBean(UsesCalculator.class).calc.add(2, 2)).isEqualTo(4);
              assertThat(context.getBean(WitClients.class).all())
                  .extracting(NamedClient::uri)
                  .as("the URI the health details show")
                  .containsExactly(uri);
            });
  }

  @Test
  void noClientsWithoutWitrpcClientOnTheClassPath() {
    Runners.witrpc()
        .withClassLoader(new FilteredClassLoader(WitClient.class))
        .withPropertyValues("witrpc.client.calc.uri=" + TestNames.memUri())
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(WitClients.class));
  }

  @Test
  void unknownNamesAreRefusedByWitClients() {
    WitClients clients = WitClients.of(Map.of(), Duration.ofSeconds(1));
    assertThatThrownBy(() -> clients.service("calc", Calculator.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no witrpc client named 'calc'");
  }
}
