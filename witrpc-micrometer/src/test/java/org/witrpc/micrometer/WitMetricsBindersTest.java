package org.witrpc.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.witrpc.client.ConnectionState;
import org.witrpc.client.WitClient;
import org.witrpc.server.WitServer;
import org.witrpc.testkit.Await;

/** {@link WitServerMetrics} and {@link WitClientMetrics} follow a real server and client. */
class WitMetricsBindersTest {
  private static final AtomicInteger NAMES = new AtomicInteger();

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final String address =
      "mem://binders" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  @Test
  void theServerGaugeCountsConnectedClients() throws Exception {
    WitServer server = server(new GreetingsImpl());
    new WitServerMetrics(server, Tags.of("app", "test")).bindTo(registry);

    assertThat(connections()).isZero();
    WitClient first = client();
    WitClient second = client();
    assertThat(connections()).isEqualTo(2);
    assertThat(registry.get("witrpc.server.connections").gauge().getId().getTags())
        .extracting(t -> t.getKey() + "=" + t.getValue())
        .containsExactlyInAnyOrder("address=" + address, "app=test");

    first.close();
    Await.until("the server saw a client leave", () -> connections() == 1);
    second.close();
    Await.until("the server saw the other client leave", () -> connections() == 0);
  }

  @Test
  void theClientGaugesShowItsStateAndPendingCalls() throws Exception {
    GreetingsImpl impl = new GreetingsImpl();
    WitServer server = server(impl);
    WitClient client = WitClient.builder().transport(server.address()).build();
    closeables.add(client);
    new WitClientMetrics(client, Tags.of("client", "greetings")).bindTo(registry);
    assertThat(currentState()).isEqualTo("DISCONNECTED");

    client.connect(Duration.ofSeconds(10));
    assertThat(currentState()).isEqualTo("READY");
    assertThat(server.connectionCount()).isEqualTo(1);
    assertThat(registry.find("witrpc.client.connection.state").gauges())
        .as("one gauge per state")
        .hasSize(ConnectionState.values().length)
        .allMatch(g -> "greetings".equals(g.getId().getTag("client")));
    CompletableFuture<String> call = client.service(Greetings.class).held();
    assertThat(pending()).isEqualTo(1);

    impl.held.complete("done");
    assertThat(call.join()).isEqualTo("done");
    Await.until("no call pending", () -> pending() == 0);

    client.close();
    Await.until(
        "the closed client's gauges are removed",
        () -> registry.find("witrpc.client.connection.state").gauges().isEmpty());
  }

  @ParameterizedTest
  @ValueSource(strings = {"mem", "pipe"})
  void bytesSentAndReceivedFollowTheFramesOnEachSide(String transport) throws Exception {
    String uri =
        transport + "://bytes" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();
    WitServer server =
        WitServer.builder().service(Greetings.class, new GreetingsImpl()).transport(uri).build();
    closeables.add(server.start());
    new WitServerMetrics(server).bindTo(registry);
    WitClient client = WitClient.builder().transport(uri).build();
    closeables.add(client);
    new WitClientMetrics(client).bindTo(registry);
    client.connect(Duration.ofSeconds(10));
    double handshakeSent = counter("witrpc.client.sent", transport);
    assertThat(handshakeSent).as("the handshake's frames").isPositive();

    String name = "x".repeat(100_000);
    assertThat(client.service(Greetings.class).greet(name)).endsWith(name);

    assertThat(counter("witrpc.client.sent", transport) - handshakeSent)
        .as("the request carries the 100,000-character argument")
        .isGreaterThan(100_000);
    Await.until(
        "the server counted every byte the client sent, and the other way round",
        () ->
            counter("witrpc.server.received", transport) == counter("witrpc.client.sent", transport)
                && counter("witrpc.client.received", transport)
                    == counter("witrpc.server.sent", transport));
    assertThat(counter("witrpc.client.received", transport)).isGreaterThan(100_000);
    assertThat(registry.get("witrpc.server.sent").functionCounter().getId().getBaseUnit())
        .isEqualTo("bytes");
  }

  private double counter(String name, String transport) {
    return registry.get(name).tag("transport", transport).functionCounter().count();
  }

  private WitServer server(GreetingsImpl impl) {
    WitServer server =
        WitServer.builder().service(Greetings.class, impl).transport(address).build().start();
    closeables.add(server);
    return server;
  }

  private WitClient client() {
    WitClient client = WitClient.builder().transport(address).build();
    closeables.add(client);
    return client.connect(Duration.ofSeconds(10));
  }

  private double connections() {
    return registry.get("witrpc.server.connections").gauge().value();
  }

  private double pending() {
    return registry.get("witrpc.client.calls.pending").gauge().value();
  }

  /** The state whose gauge is 1; every other state's is 0. */
  private String currentState() {
    var gauges = registry.find("witrpc.client.connection.state").gauges();
    var current = gauges.stream().filter(g -> g.value() == 1).toList();
    assertThat(current).as("exactly one current state").hasSize(1);
    assertThat(gauges).filteredOn(g -> g.value() != 1).allMatch(g -> g.value() == 0);
    return current.get(0).getId().getTag("state");
  }
}
