package org.witrpc.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.CsvSource;
import org.witrpc.WitRemoteException;
import org.witrpc.client.WitClient;
import org.witrpc.testkit.Await;
import org.witrpc.testkit.Color;
import org.witrpc.testkit.ComplexListener;
import org.witrpc.testkit.ComplexNumber;
import org.witrpc.testkit.ProgressListener;
import org.witrpc.testkit.TestService;
import org.witrpc.testkit.UnknownService;

/**
 * Calls, events, errors, a 64 MiB argument and several client processes against a server in another
 * JVM, for every transport and serializer, plain and encrypted ({@code tcp} on an ephemeral
 * loopback port, {@code tls} the same with mutual TLS, {@code wss} WebSocket with mutual TLS). One
 * server JVM serves all tests of a parameter set; each test has its own client in the test JVM,
 * with the server's encryption setting.
 */
@ParameterizedClass(name = "{0} + {1} + {2}")
@CsvSource({
  "pipe, json, plain",
  "pipe, msgpack, plain",
  "mmf, json, plain",
  "mmf, msgpack, plain",
  "pipe, json, encrypted",
  "pipe, msgpack, encrypted",
  "mmf, json, encrypted",
  "mmf, msgpack, encrypted",
  "tcp, json, plain",
  "tls, msgpack, plain",
  "wss, json, plain",
  "wss, msgpack, encrypted"
})
@DisplayName("A server in another JVM")
class CrossProcessRpcIT {
  private static final Duration AWAIT = Duration.ofSeconds(10);

  private static ServerProcess server;

  @RegisterExtension static final CrossProcessHarness HARNESS = new CrossProcessHarness();

  @Parameter(0)
  String transport;

  @Parameter(1)
  String serializer;

  /** {@code plain} or {@code encrypted}. */
  @Parameter(2)
  String security;

  private WitClient client;
  private TestService service;

  @BeforeParameterizedClassInvocation
  static void startServer(String transport, String serializer, String security) throws Exception {
    String prefix =
        HARNESS.newPrefix(
            transport.charAt(0) + serializer.substring(0, 1) + security.substring(0, 1));
    List<String> jvmOptions = new ArrayList<>(List.of("-Xmx2g"));
    jvmOptions.addAll(TestServerMain.securityOptions(encrypted(security), null));
    server =
        ServerProcess.startShared(
            HARNESS.children(),
            prefix + "-server",
            jvmOptions,
            ServerProcess.uri(transport, prefix),
            serializer);
  }

  @AfterParameterizedClassInvocation
  static void stopServer() {
    HARNESS.closeSharedAndCheckNoFilesLeft();
  }

  @BeforeEach
  void connect() {
    client =
        HARNESS.closeAfterTest(
            WitClient.builder()
                .transport(server.uri())
                .serializer(ItSerializers.byName(serializer))
                .timeout(Duration.ofSeconds(60))
                .encryption(encrypted(security))
                .build()
                .connect(Duration.ofSeconds(10)));
    service = client.service(TestService.class);
  }

  private static boolean encrypted(String security) {
    switch (security) {
      case "plain":
        return false;
      case "encrypted":
        return true;
      default:
        throw new IllegalArgumentException("unknown security '" + security + "'");
    }
  }

  @Test
  void simpleValuesRoundTrip() {
    OffsetDateTime time = OffsetDateTime.of(2024, 5, 17, 13, 45, 30, 123_456_789, ZoneOffset.UTC);
    assertThat(service.echo("héllo wörld")).isEqualTo("héllo wörld");
    assertThat(service.echo(-42)).isEqualTo(-42);
    assertThat(service.echoDouble(Math.PI)).isEqualTo(Math.PI);
    assertThat(service.echoTime(time)).isEqualTo(time);
    assertThat(service.echoBytes(new byte[] {0, 1, -1, 127, -128}))
        .containsExactly(0, 1, -1, 127, -128);
    assertThat(service.echoColor(Color.BLUE)).isEqualTo(Color.BLUE);
    assertThat(service.echoOptional(Optional.of("x"))).contains("x");
    assertThat(service.echoOptional(Optional.empty())).isEmpty();
    assertThat(service.returnNull()).isNull();
    assertThat(service.requestNullable(null)).isEqualTo("null");
  }

  @Test
  void genericRecordsListsAndMapsRoundTrip() {
    ComplexNumber<Integer, Double> c = new ComplexNumber<>(3, 4.5);
    assertThat(service.echoComplex(c)).isEqualTo(c);
    List<ComplexNumber<Integer, Double>> list = List.of(c, new ComplexNumber<>(-1, 0.25));
    assertThat(service.echoList(list)).isEqualTo(list);
    Map<String, ComplexNumber<String, Long>> map =
        Map.of("a", new ComplexNumber<>("x", 1L << 40), "b", new ComplexNumber<>("y", -2L));
    assertThat(service.echoMap(map)).isEqualTo(map);
  }

  @Test
  void listenerGetsServerCallbacksInOrder() {
    List<String> events = new CopyOnWriteArrayList<>();
    ProgressListener listener = (percent, stage) -> events.add(stage + percent);
    service.addProgressListener(listener);
    service.startProcessing(100, "p");
    Await.until("100 progress events, got " + events.size(), AWAIT, () -> events.size() >= 100);
    assertThat(events)
        .containsExactlyElementsOf(IntStream.rangeClosed(1, 100).mapToObj(i -> "p" + i).toList());

    List<Object> complex = new CopyOnWriteArrayList<>();
    ComplexListener complexListener = (value, colors, at) -> complex.add(List.of(value, colors));
    service.addComplexListener(complexListener);
    service.fireComplex(new ComplexNumber<>("re", 7L), List.of(Color.RED), OffsetDateTime.now());
    Await.until("complex event", AWAIT, () -> complex.size() == 1);
    assertThat(complex).containsExactly(List.of(new ComplexNumber<>("re", 7L), List.of(Color.RED)));
    service.removeProgressListener(listener);
    service.removeComplexListener(complexListener);
  }

  @Test
  void implementationExceptionArrivesAs500WithRemoteClassAndMessage() {
    assertThatThrownBy(() -> service.fail("boom across processes"))
        .isInstanceOfSatisfying(
            WitRemoteException.class,
            e -> {
              assertThat(e.status()).isEqualTo(500);
              assertThat(e.remoteClassName()).contains("java.lang.IllegalStateException");
              assertThat(e.remoteMessage()).contains("boom across processes");
            });
    assertThat(service.echo("still serving")).isEqualTo("still serving");
  }

  @Test
  void unknownServiceIs404() {
    assertThatThrownBy(() -> client.service(UnknownService.class).nothing())
        .isInstanceOfSatisfying(
            WitRemoteException.class, e -> assertThat(e.status()).isEqualTo(404))
        .hasMessageContaining("UnknownService");
    assertThat(service.echo(1)).isEqualTo(1);
  }

  @Test
  void a64MiBByteArrayIsEchoedIntact() {
    byte[] sent = new byte[64 << 20];
    new Random(64).nextBytes(sent);
    long start = System.nanoTime();
    byte[] got = service.echoBytes(sent);
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf(
        "64 MiB echo over %s/%s/%s: %d ms%n", transport, serializer, security, millis);
    assertThat(got).hasSize(sent.length);
    assertThat(Arrays.mismatch(sent, got)).as("first differing index").isEqualTo(-1);
  }

  @Test
  void fourClientProcessesGetOnlyTheirOwnResults() throws Exception {
    ClientProcesses.runAndCheck(
        HARNESS.children(),
        TestServerMain.securityOptions(encrypted(security), null),
        server.uri(),
        serializer,
        HARNESS.prefix(),
        4,
        1,
        1_000);
  }
}
