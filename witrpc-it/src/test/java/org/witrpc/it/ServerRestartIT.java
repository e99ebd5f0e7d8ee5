package org.witrpc.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;
import org.witrpc.WitTransportException;
import org.witrpc.client.ConnectionState;
import org.witrpc.client.ReconnectPolicy;
import org.witrpc.client.WitClient;
import org.witrpc.testkit.Await;
import org.witrpc.testkit.TestService;

/**
 * A server JVM killed (-9) mid-call or mid-callback-burst, or stopped gracefully, and a new server
 * JVM started on the same name (over tcp and wss with mutual TLS, on the same port):
 * auto-reconnecting clients fail what was pending with {@link WitTransportException}, reconnect by
 * themselves, and the listeners and proxies they had keep working.
 */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"pipe", "mmf", "tls", "wss"})
@DisplayName("server restart with auto-reconnecting clients")
class ServerRestartIT {
  private static final Duration AWAIT = Duration.ofSeconds(30);
  private static final AtomicInteger TESTS = new AtomicInteger();

  @RegisterExtension static final CrossProcessHarness HARNESS = new CrossProcessHarness();

  @Parameter String transport;

  private final List<String> changes = new CopyOnWriteArrayList<>();
  private String name;
  private String uri;
  private ServerProcess first;

  @BeforeParameterizedClassInvocation
  static void namePrefix(String transport) {
    HARNESS.newPrefix("r" + transport.charAt(0));
  }

  @BeforeEach
  void names() {
    name = HARNESS.prefix() + "-" + TESTS.incrementAndGet();
    uri = ServerProcess.uri(transport, name);
  }

  /** The first server, or the next one on the first one's name or port. */
  private ServerProcess server(int generation) throws Exception {
    String serverUri = generation == 1 ? uri : ServerProcess.successorUri(uri, first);
    ServerProcess server =
        ServerProcess.start(HARNESS.children(), name + "-server" + generation, serverUri, "json");
    if (generation == 1) {
      first = server;
    }
    return server;
  }

  private WitClient reconnectingClient() {
    WitClient client =
        WitClient.builder()
            .transport(first.uri())
            .timeout(Duration.ofSeconds(20))
            .autoReconnect(
                ReconnectPolicy.exponential(Duration.ofMillis(20), Duration.ofMillis(500)))
            .build();
    HARNESS.closeAfterTest(client);
    client.onStateChange(
        (from, to, cause) -> changes.add(to + cause.map(c -> ": " + c.getMessage()).orElse("")));
    return client.connect(Duration.ofSeconds(10));
  }

  @Test
  void killedMidCallThenRestartedTheClientResumesWithItsListeners() throws Exception {
    server(1);
    WitClient client = reconnectingClient();
    TestService service = client.service(TestService.class);
    List<String> events = new CopyOnWriteArrayList<>();
    service.addProgressListener((percent, stage) -> events.add(stage + percent));
    CompletableFuture<String> pending =
        CompletableFuture.supplyAsync(() -> service.slowEcho("never", 30_000));
    Await.until("the slow call is in flight", AWAIT, () -> client.pendingCallCount() == 1);

    first.jvm().kill9();
    Throwable failure =
        assertThatThrownBy(() -> pending.get(10, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .actual()
            .getCause();
    assertThat(failure).isInstanceOf(WitTransportException.class);
    Await.until(
        "the client is reconnecting", AWAIT, () -> client.state() == ConnectionState.RECONNECTING);

    server(2);
    Await.until("READY again", AWAIT, () -> client.state() == ConnectionState.READY);
    assertThat(service.echo("again")).isEqualTo("again");
    assertThat(service.progressListenerCount()).isEqualTo(1);
    service.startProcessing(3, "r");
    Await.until("3 events after the restart", AWAIT, () -> events.size() >= 3);
    assertThat(events).containsExactly("r1", "r2", "r3");
  }

  @Test
  void killedMidCallbackBurstThenRestartedListenersFireAgain() throws Exception {
    server(1);
    WitClient client = reconnectingClient();
    TestService service = client.service(TestService.class);
    List<String> events = new CopyOnWriteArrayList<>();
    service.addProgressListener((percent, stage) -> events.add(stage + percent));
    CompletableFuture<Void> burst =
        CompletableFuture.runAsync(() -> service.startProcessing(1_000_000, "b"));
    Await.until("the burst is under way", AWAIT, () -> events.size() >= 100);
    first.jvm().kill9();
    assertThatThrownBy(() -> burst.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(WitTransportException.class);
    server(2);
    Await.until("READY again", AWAIT, () -> client.state() == ConnectionState.READY);
    service.startProcessing(2, "n");
    Await.until(
        "2 new events", AWAIT, () -> events.stream().filter(e -> e.startsWith("n")).count() == 2);
    List<String> old = events.stream().filter(e -> e.startsWith("b")).toList();
    for (int i = 0; i < old.size(); i++) {
      assertThat(old.get(i)).isEqualTo("b" + (i + 1)); // in order, none lost before the kill
    }
    assertThat(events.stream().filter(e -> e.startsWith("n"))).containsExactly("n1", "n2");
  }

  @Test
  void aGracefulStopIsReportedWithTheServersReasonAndTheClientComesBack() throws Exception {
    server(1);
    WitClient client = reconnectingClient();
    TestService service = client.service(TestService.class);
    first.jvm().close(); // SIGTERM: the shutdown hook closes the server (GOODBYE)
    Await.until("reconnecting", AWAIT, () -> client.state() != ConnectionState.READY);
    Await.until("the change is reported", AWAIT, () -> changes.size() >= 3);
    Optional<String> lost = changes.stream().filter(c -> c.startsWith("RECONNECTING")).findFirst();
    assertThat(lost).hasValueSatisfying(c -> assertThat(c).contains("server closed"));
    server(2);
    assertThat(service.echo("back")).isEqualTo("back");
  }
}
