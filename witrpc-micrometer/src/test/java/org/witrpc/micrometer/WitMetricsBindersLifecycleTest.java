package org.witrpc.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.witrpc.client.ConnectionState;
import org.witrpc.client.WitClient;
import org.witrpc.server.WitServer;
import org.witrpc.testkit.Await;

/**
 * {@link WitClientMetrics} and {@link WitServerMetrics} take their meters out of the registries
 * again: when the client closes, when the binder closes; and register none once either is closed.
 */
class WitMetricsBindersLifecycleTest {
  /** One gauge per state, the pending calls, the bytes sent and received. */
  private static final int CLIENT_METERS = ConnectionState.values().length + 3;

  /** The connections gauge, the bytes sent and received. */
  private static final int SERVER_METERS = 3;

  private static final AtomicInteger NAMES = new AtomicInteger();

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final String address =
      "mem://lifecycle" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  @Test
  void aClientsMetersAreRemovedWhenTheClientCloses() {
    server();
    WitClient client = client();
    new WitClientMetrics(client, Tags.of("client", "a")).bindTo(registry);
    assertThat(clientMeters(registry)).hasSize(CLIENT_METERS);
    client.connect(Duration.ofSeconds(10));

    client.close();

    Await.until("the closed client's meters are removed", () -> clientMeters(registry).isEmpty());
  }

  @Test
  void closingTheBinderRemovesItsMetersAndLeavesTheClientAndServerRunning() {
    WitServer server = server();
    WitClient client = client().connect(Duration.ofSeconds(10));
    WitClientMetrics clientMetrics = new WitClientMetrics(client);
    WitServerMetrics serverMetrics = new WitServerMetrics(server);
    clientMetrics.bindTo(registry);
    serverMetrics.bindTo(registry);
    assertThat(clientMeters(registry)).hasSize(CLIENT_METERS);
    assertThat(serverMeters(registry)).hasSize(SERVER_METERS);

    clientMetrics.close();
    assertThat(clientMeters(registry)).isEmpty();
    assertThat(serverMeters(registry)).hasSize(SERVER_METERS);
    serverMetrics.close();
    assertThat(serverMeters(registry)).isEmpty();

    assertThat(client.service(Greetings.class).greet("still")).endsWith("still");
    assertThat(client.state()).isEqualTo(ConnectionState.READY);
  }

  @Test
  void aBinderBoundToTwoRegistriesRemovesItsMetersFromBoth() {
    WitServer server = server();
    WitClient client = client();
    MeterRegistry other = new SimpleMeterRegistry();
    WitClientMetrics clientMetrics = new WitClientMetrics(client);
    WitServerMetrics serverMetrics = new WitServerMetrics(server);
    for (MeterRegistry r : List.of(registry, other)) {
      clientMetrics.bindTo(r);
      serverMetrics.bindTo(r);
      assertThat(clientMeters(r)).hasSize(CLIENT_METERS);
      assertThat(serverMeters(r)).hasSize(SERVER_METERS);
    }

    client.close();
    serverMetrics.close();

    for (MeterRegistry r : List.of(registry, other)) {
      Await.until("the client's meters are removed", () -> clientMeters(r).isEmpty());
      assertThat(serverMeters(r)).isEmpty();
    }
  }

  @Test
  void closingAgainChangesNothingAndOtherBindersKeepTheirMeters() {
    WitServer server = server();
    WitClient closing = client();
    WitClient staying = client();
    WitClientMetrics closingMetrics = new WitClientMetrics(closing, Tags.of("client", "closing"));
    WitServerMetrics serverMetrics = new WitServerMetrics(server);
    closingMetrics.bindTo(registry);
    new WitClientMetrics(staying, Tags.of("client", "staying")).bindTo(registry);
    serverMetrics.bindTo(registry);

    closing.close();
    Await.until(
        "the closed client's meters are removed",
        () ->
            registry.find("witrpc.client.calls.pending").tag("client", "closing").gauge() == null);
    closingMetrics.close();
    closingMetrics.close();
    serverMetrics.close();
    serverMetrics.close();

    assertThat(clientMeters(registry))
        .hasSize(CLIENT_METERS)
        .allMatch(m -> "staying".equals(m.getId().getTag("client")));
    assertThat(serverMeters(registry)).isEmpty();
  }

  @Test
  void aClientClosedBeforeBindingGetsNoMeters() {
    server();
    WitClient client = client().connect(Duration.ofSeconds(10));
    client.close();

    new WitClientMetrics(client).bindTo(registry);

    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void aClosedBinderRegistersNothing() {
    WitServer server = server();
    WitClientMetrics clientMetrics = new WitClientMetrics(client());
    WitServerMetrics serverMetrics = new WitServerMetrics(server);
    clientMetrics.close();
    serverMetrics.close();

    clientMetrics.bindTo(registry);
    serverMetrics.bindTo(registry);

    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void aCloseRacingBindsLeavesNoMeterBehind() throws Exception {
    WitServer server = server();
    WitClientMetrics clientMetrics = new WitClientMetrics(client());
    WitServerMetrics serverMetrics = new WitServerMetrics(server);
    List<MeterRegistry> registries = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      registries.add(new SimpleMeterRegistry());
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> binds = new ArrayList<>();
      for (MeterRegistry r : registries) {
        binds.add(
            pool.submit(
                () -> {
                  go.await();
                  clientMetrics.bindTo(r);
                  serverMetrics.bindTo(r);
                  return null;
                }));
      }
      go.countDown();
      clientMetrics.close();
      serverMetrics.close();
      for (Future<?> bind : binds) {
        bind.get(20, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(registries).allMatch(r -> r.getMeters().isEmpty());
  }

  private WitServer server() {
    WitServer server =
        WitServer.builder()
            .service(Greetings.class, new GreetingsImpl())
            .transport(address)
            .build()
            .start();
    closeables.add(server);
    return server;
  }

  private WitClient client() {
    WitClient client = WitClient.builder().transport(address).build();
    closeables.add(client);
    return client;
  }

  private static List<Meter> clientMeters(MeterRegistry registry) {
    return registry.getMeters().stream()
        .filter(m -> m.getId().getName().startsWith("witrpc.client."))
        .toList();
  }

  private static List<Meter> serverMeters(MeterRegistry registry) {
    return registry.getMeters().stream()
        .filter(m -> m.getId().getName().startsWith("witrpc.server."))
        .toList();
  }
}
