package org.witrpc.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
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
import org.junit.jupiter.params.provider.CsvSource;
import org.witrpc.WitTimeoutException;
import org.witrpc.WitTransportException;
import org.witrpc.client.WitClient;
import org.witrpc.server.WitServer;
import org.witrpc.testkit.Await;
import org.witrpc.testkit.TestService;
import org.witrpc.testkit.TestServiceImpl;

/**
 * kill -9 of either side, for every transport and serializer: the survivor notices at once, fails
 * what was pending with {@link WitTransportException} (never a timeout), drops what the dead peer
 * had subscribed, keeps serving, and no file of the dead peer outlives it (a dead server's socket
 * is removed when the next server starts on the name; over tcp and wss the next server takes the
 * dead one's port). Each test has its own server JVM, since the tests kill it or count its
 * subscriptions.
 */
@ParameterizedClass(name = "{0} + {1}")
@CsvSource({
  "pipe, json",
  "pipe, msgpack",
  "mmf, json",
  "mmf, msgpack",
  "tcp, msgpack",
  "tls, json",
  "wss, msgpack"
})
@DisplayName("kill -9 of a peer")
class PeerDeathIT {
  private static final Duration AWAIT = Duration.ofSeconds(10);

  private static final AtomicInteger TESTS = new AtomicInteger();

  @RegisterExtension static final CrossProcessHarness HARNESS = new CrossProcessHarness();

  @Parameter(0)
  String transport;

  @Parameter(1)
  String serializer;

  private String name;
  private String uri;

  @BeforeParameterizedClassInvocation
  static void namePrefix(String transport, String serializer) {
    HARNESS.newPrefix(transport.charAt(0) + serializer.substring(0, 1));
  }

  @BeforeEach
  void names() {
    name = HARNESS.prefix() + "-" + TESTS.incrementAndGet();
    uri = ServerProcess.uri(transport, name);
  }

  private WitClient connect(ServerProcess server, Duration timeout) {
    WitClient client =
        WitClient.builder()
            .transport(server.uri())
            .serializer(ItSerializers.byName(serializer))
            .timeout(timeout)
            .build();
    HARNESS.closeAfterTest(client);
    return client.connect(Duration.ofSeconds(10));
  }

  @Test
  void pendingCallFailsFastWithTransportErrorAndNextServerCleansTheStaleSocket() throws Exception {
    ServerProcess server =
        ServerProcess.start(HARNESS.children(), name + "-server", uri, serializer);
    WitClient client = connect(server, Duration.ofSeconds(60));
    TestService service = client.service(TestService.class);
    assertThat(service.echo("alive")).isEqualTo("alive");

    CompletableFuture<String> pending =
        CompletableFuture.supplyAsync(() -> service.slowEcho("never", 30_000));
    Await.until("the slow call is in flight", AWAIT, () -> client.pendingCallCount() == 1);
    long killedAt = System.nanoTime();
    server.jvm().kill9();

    Throwable failure =
        assertThatThrownBy(() -> pending.get(5, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .actual()
            .getCause();
    long millis = (System.nanoTime() - killedAt) / 1_000_000;
    assertThat(failure).isInstanceOf(WitTransportException.class);
    assertThat(failure).isNotInstanceOf(WitTimeoutException.class);
    System.out.printf(
        "%s/%s: pending call failed %d ms after kill -9%n", transport, serializer, millis);
    assertThat(millis).as("ms from kill -9 to the failed call").isLessThan(5_000);
    assertThatThrownBy(() -> service.echo("after")).isInstanceOf(WitTransportException.class);
    // no mapping of the dead connection is left; the killed server's spare for the next client
    // (mmf) may be, like its socket file
    assertThat(RuntimeFiles.startingWith(name).stream().filter(RuntimeFiles::isMapping))
        .hasSizeLessThanOrEqualTo(1);

    // The dead server may leave its socket file and spare; the next server on the name must remove
    // them.
    WitServer next =
        WitServer.builder()
            .service(TestService.class, new TestServiceImpl())
            .transport(ServerProcess.successorUri(uri, server))
            .serializer(ItSerializers.byName(serializer))
            .build()
            .start();
    HARNESS.closeAfterTest(next);
    assertThat(connect(server, Duration.ofSeconds(10)).service(TestService.class).echo("again"))
        .isEqualTo("again");
  }

  @Test
  void deadClientsSubscriptionsAreDroppedAndOthersAreStillServed() throws Exception {
    ServerProcess server =
        ServerProcess.start(HARNESS.children(), name + "-server", uri, serializer);
    TestService survivor = connect(server, Duration.ofSeconds(60)).service(TestService.class);
    List<String> events = new CopyOnWriteArrayList<>();
    survivor.addProgressListener((percent, stage) -> events.add(stage + percent));

    ChildJvm subscriber =
        HARNESS
            .children()
            .start(
                name + "-subscriber",
                ChildJvms.SHORT_LIVED,
                SubscriberMain.class,
                server.uri(),
                serializer,
                "3");
    subscriber.awaitLine("SUBSCRIBED 3", ServerProcess.STARTUP);
    assertThat(survivor.progressListenerCount()).isEqualTo(4);

    subscriber.kill9();
    Await.until(
        "the server dropped the dead client's 3 listeners",
        AWAIT,
        () -> survivor.progressListenerCount() == 1);

    survivor.startProcessing(3, "s");
    Await.until("3 events for the survivor", AWAIT, () -> events.size() >= 3);
    assertThat(events).containsExactly("s1", "s2", "s3");
    assertThat(survivor.echo("still served")).isEqualTo("still served");
    // the dead client's mapping is gone; an mmf server keeps one spare for its next client
    assertThat(RuntimeFiles.startingWith(name).stream().filter(RuntimeFiles::isMapping))
        .hasSizeLessThanOrEqualTo(1);
    assertThat(server.jvm().isAlive()).isTrue();
  }
}
