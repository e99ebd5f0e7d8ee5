package org.witrpc.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.witrpc.Metadata;
import org.witrpc.RpcMethod;
import org.witrpc.ServerPing;
import org.witrpc.WitRemoteException;
import org.witrpc.client.ClientInterceptor;
import org.witrpc.client.WitClient;
import org.witrpc.server.WitServer;
import org.witrpc.testkit.Await;

/**
 * The call meters of {@link MicrometerClientInterceptor} and {@link MicrometerServerInterceptor}
 * after real calls: each meter's name, tags and value, for successful and failed calls, synchronous
 * and asynchronous.
 */
class MicrometerInterceptorsTest {
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final String SERVICE = Greetings.class.getName();

  private final MeterRegistry clientRegistry = new SimpleMeterRegistry();
  private final MeterRegistry serverRegistry = new SimpleMeterRegistry();
  private final GreetingsImpl impl = new GreetingsImpl();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private Greetings greetings;

  @AfterEach
  void closeAll() throws Exception {
    impl.held.complete("released");
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private void connect(String scheme) {
    greetings =
        connectClient(startServer(scheme), new MicrometerClientInterceptor(clientRegistry))
            .service(Greetings.class);
  }

  private String startServer(String scheme) {
    String address =
        scheme + "://metrics" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();
    WitServer server =
        WitServer.builder()
            .service(Greetings.class, impl)
            .transport(address)
            .interceptor(new MicrometerServerInterceptor(serverRegistry))
            .build()
            .start();
    closeables.add(server);
    return address;
  }

  private WitClient connectClient(String address, ClientInterceptor interceptor) {
    WitClient client =
        WitClient.builder()
            .transport(address)
            .interceptor(interceptor)
            .timeout(Duration.ofSeconds(10))
            .build()
            .connect(Duration.ofSeconds(10));
    closeables.add(client);
    return client;
  }

  @ParameterizedTest(name = "{0}://")
  @ValueSource(strings = {"mem", "pipe"})
  void successfulCallsAreTimedAndCountedOnBothSides(String scheme) {
    connect(scheme);

    assertThat(greetings.greet("a")).isEqualTo("hello a");
    assertThat(greetings.greet("b")).isEqualTo("hello b");

    for (Side side : Side.values()) {
      MeterRegistry registry = side == Side.CLIENT ? clientRegistry : serverRegistry;
      Timer timer = timer(registry, side, "greet", "OK");
      assertThat(timer.count()).as(side.prefix).isEqualTo(2);
      assertThat(timer.totalTime(TimeUnit.NANOSECONDS)).as(side.prefix).isPositive();
      assertThat(started(registry, side, "greet").count()).as(side.prefix).isEqualTo(2);
      assertThat(finished(registry, side, "greet", "OK").count()).as(side.prefix).isEqualTo(2);
      assertThat(active(registry, side, "greet")).as(side.prefix).isZero();
      assertThat(registry.find(side.prefix + ".calls").meters())
          .as(side.prefix + ": one timer, of the one outcome")
          .hasSize(1);
    }
  }

  @Test
  void theBuiltInPingOfHealthChecksIsMeteredByNeitherSide() throws Exception {
    String address = startServer("mem");
    WitClient client = connectClient(address, new MicrometerClientInterceptor(clientRegistry));
    client.service(ServerPing.class).ping().get(10, TimeUnit.SECONDS);
    client.service(Greetings.class).greet("a");

    for (MeterRegistry registry : List.of(clientRegistry, serverRegistry)) {
      assertThat(registry.getMeters())
          .as("only the greeting's meters")
          .allSatisfy(m -> assertThat(m.getId().getTag("service")).isIn(SERVICE, null));
      assertThat(registry.getMeters()).isNotEmpty();
    }
  }

  @Test
  void aFailedCallIsTaggedWithTheStatusOnTheClientAndTheExceptionOnTheServer() {
    connect("mem");

    assertThatThrownBy(() -> greetings.fail("no"))
        .isInstanceOf(WitRemoteException.class)
        .hasMessageContaining("no");

    assertThat(timer(clientRegistry, Side.CLIENT, "fail", "SERVER_ERROR").count()).isEqualTo(1);
    assertThat(finished(clientRegistry, Side.CLIENT, "fail", "SERVER_ERROR").count()).isEqualTo(1);
    assertThat(timer(serverRegistry, Side.SERVER, "fail", "IllegalStateException").count())
        .isEqualTo(1);
    assertThat(finished(serverRegistry, Side.SERVER, "fail", "IllegalStateException").count())
        .isEqualTo(1);
    assertThat(clientRegistry.find("witrpc.client.calls").tag("outcome", "OK").timer()).isNull();
    assertThat(active(clientRegistry, Side.CLIENT, "fail")).isZero();
    assertThat(active(serverRegistry, Side.SERVER, "fail")).isZero();
  }

  @Test
  void anAsynchronousCallIsRecordedWhenItsFutureCompletes() throws Exception {
    connect("mem");

    assertThat(greetings.greetLater("c").join()).isEqualTo("hello c");
    CompletableFuture<String> failed = greetings.failLater("later");
    assertThatThrownBy(failed::join)
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(WitRemoteException.class);

    Await.until(
        "the client recorded both calls",
        () ->
            clientRegistry.find("witrpc.client.calls.finished").counters().stream()
                    .mapToDouble(Counter::count)
                    .sum()
                == 2);
    assertThat(timer(clientRegistry, Side.CLIENT, "greetLater", "OK").count()).isEqualTo(1);
    assertThat(timer(clientRegistry, Side.CLIENT, "failLater", "SERVER_ERROR").count())
        .isEqualTo(1);
    assertThat(timer(serverRegistry, Side.SERVER, "greetLater", "OK").count()).isEqualTo(1);
    assertThat(timer(serverRegistry, Side.SERVER, "failLater", "IllegalStateException").count())
        .isEqualTo(1);
  }

  @Test
  void aCallInFlightIsActiveOnBothSidesUntilItCompletes() throws Exception {
    connect("mem");

    CompletableFuture<String> call = greetings.held();
    Await.until("the server runs the call", () -> active(serverRegistry, Side.SERVER, "held") == 1);
    assertThat(active(clientRegistry, Side.CLIENT, "held")).isEqualTo(1);
    assertThat(started(clientRegistry, Side.CLIENT, "held").count()).isEqualTo(1);
    assertThat(clientRegistry.find("witrpc.client.calls").tag("method", "held").timer())
        .as("no outcome yet")
        .isNull();

    impl.held.complete("done");

    assertThat(call.join()).isEqualTo("done");
    Await.until(
        "the client recorded the call", () -> active(clientRegistry, Side.CLIENT, "held") == 0);
    assertThat(active(serverRegistry, Side.SERVER, "held")).isZero();
    assertThat(timer(clientRegistry, Side.CLIENT, "held", "OK").count()).isEqualTo(1);
    assertThat(timer(serverRegistry, Side.SERVER, "held", "OK").count()).isEqualTo(1);
  }

  @Test
  void aClientSideFailureIsTaggedWithItsExceptionsSimpleName() {
    connect("mem");
    ((WitClient) closeables.get(1)).close();

    Throwable thrown = catchThrowable(() -> greetings.greet("gone"));

    assertThat(thrown).isNotNull();
    Meter.Id id = clientRegistry.get("witrpc.client.calls").tag("method", "greet").timer().getId();
    assertThat(id.getTags())
        .containsExactlyInAnyOrder(
            Tag.of("service", SERVICE),
            Tag.of("method", "greet"),
            Tag.of("outcome", thrown.getClass().getSimpleName()));
    assertThat(serverRegistry.find("witrpc.server.calls").meters()).isEmpty();
  }

  @Test
  void twoClientsOfOneServiceKeepTheirOwnMetersApartByTheirTags() throws Exception {
    String address = startServer("mem");
    Greetings a = clientTagged(address, "a");
    Greetings b = clientTagged(address, "b");

    List<CompletableFuture<String>> calls = List.of(a.held(), b.held(), b.held());

    Await.until(
        "the server runs the calls", () -> active(serverRegistry, Side.SERVER, "held") == 3);
    assertThat(activeOf("a")).as("client a's calls in flight").isEqualTo(1);
    assertThat(activeOf("b")).as("client b's calls in flight").isEqualTo(2);

    impl.held.complete("done");
    calls.forEach(CompletableFuture::join);
    Await.until("the clients record the calls", () -> activeOf("a") == 0 && activeOf("b") == 0);
    assertThat(clientRegistry.get("witrpc.client.calls").tag("client", "a").timer().count())
        .isEqualTo(1);
    assertThat(clientRegistry.get("witrpc.client.calls").tag("client", "b").timer().count())
        .isEqualTo(2);
    assertThat(clientRegistry.find("witrpc.client.calls").meters())
        .allSatisfy(m -> assertThat(m.getId().getTag("client")).isIn("a", "b"));
  }

  @Test
  void aStatusCodeThatIsNoStatusIsTaggedUnknown() {
    MicrometerClientInterceptor interceptor = new MicrometerClientInterceptor(clientRegistry);

    for (int code = 700; code < 703; code++) {
      WitRemoteException hostile = new WitRemoteException(code, "Hostile", "no", null);
      assertThatThrownBy(() -> interceptor.intercept(new FailingGreet(hostile))).isSameAs(hostile);
    }

    assertThat(timer(clientRegistry, Side.CLIENT, "greet", "UNKNOWN").count()).isEqualTo(3);
    assertThat(finished(clientRegistry, Side.CLIENT, "greet", "UNKNOWN").count()).isEqualTo(3);
    assertThat(clientRegistry.find("witrpc.client.calls").meters())
        .as("one timer for every unknown code")
        .hasSize(1);
  }

  @Test
  void namesACallerChoosesCannotFillTheRegistry() {
    MicrometerClientInterceptor interceptor = new MicrometerClientInterceptor(clientRegistry);
    WitRemoteException notFound = new WitRemoteException(404, "NotFound", "no service", null);

    int names = CallMeters.MAX_METHODS + 100;
    for (int i = 0; i < names; i++) {
      FailingGreet call = new FailingGreet(notFound, "svc" + i);
      assertThatThrownBy(() -> interceptor.intercept(call)).isSameAs(notFound);
    }

    assertThat(
            clientRegistry.find("witrpc.client.calls.started").meters().stream()
                .map(m -> m.getId().getTag("service"))
                .distinct())
        .hasSize(CallMeters.MAX_METHODS + 1)
        .contains(CallMeters.OTHER);
    assertThat(
            clientRegistry
                .get("witrpc.client.calls.started")
                .tags("service", CallMeters.OTHER, "method", CallMeters.OTHER)
                .counter()
                .count())
        .isEqualTo(100);

    // the methods of the client's interfaces are no names a caller chooses: they keep their own
    assertThatThrownBy(() -> interceptor.intercept(new FailingGreet(notFound))).isSameAs(notFound);
    assertThat(
            clientRegistry
                .get("witrpc.client.calls.started")
                .tags("service", SERVICE, "method", "greet")
                .counter()
                .count())
        .as("a typed method's own meter after dynamic calls filled the cap")
        .isEqualTo(1);
  }

  private Greetings clientTagged(String address, String name) {
    return connectClient(
            address, new MicrometerClientInterceptor(clientRegistry, Tags.of("client", name)))
        .service(Greetings.class);
  }

  /** The in-flight gauge of client {@code name}'s {@code held} calls; NaN while it has none. */
  private double activeOf(String name) {
    Gauge gauge =
        clientRegistry
            .find("witrpc.client.calls.active")
            .tags("client", name, "service", SERVICE, "method", "held")
            .gauge();
    return gauge == null ? Double.NaN : gauge.value();
  }

  /** A call of {@code Greetings.greet} whose rest of the chain throws {@code failure}. */
  private record FailingGreet(RuntimeException failure, String service)
      implements ClientInterceptor.Chain {
    FailingGreet(RuntimeException failure) {
      this(failure, SERVICE);
    }

    @Override
    public RpcMethod method() {
      return new RpcMethod() {
        @Override
        public String serviceName() {
          return service;
        }

        @Override
        public String methodName() {
          return "greet";
        }

        @Override
        public String key() {
          return "greet(String)";
        }

        @Override
        public Method javaMethod() {
          if (!SERVICE.equals(service)) {
            return null; // a dynamic call: it names a service no interface of the client has
          }
          try {
            return Greetings.class.getMethod("greet", String.class);
          } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
          }
        }

        @Override
        public boolean async() {
          return false;
        }
      };
    }

    @Override
    public Object[] arguments() {
      return new Object[] {"x"};
    }

    @Override
    public Metadata metadata() {
      return Metadata.empty();
    }

    @Override
    public Object proceed() {
      throw failure;
    }

    @Override
    public Object proceed(Metadata metadata) {
      throw failure;
    }
  }

  private enum Side {
    CLIENT("witrpc.client"),
    SERVER("witrpc.server");

    final String prefix;

    Side(String prefix) {
      this.prefix = prefix;
    }
  }

  private static Timer timer(MeterRegistry registry, Side side, String method, String outcome) {
    return registry
        .get(side.prefix + ".calls")
        .tags("service", SERVICE, "method", method, "outcome", outcome)
        .timer();
  }

  private static Counter started(MeterRegistry registry, Side side, String method) {
    return registry
        .get(side.prefix + ".calls.started")
        .tags("service", SERVICE, "method", method)
        .counter();
  }

  private static Counter finished(
      MeterRegistry registry, Side side, String method, String outcome) {
    return registry
        .get(side.prefix + ".calls.finished")
        .tags("service", SERVICE, "method", method, "outcome", outcome)
        .counter();
  }

  /** The gauge's value; NaN while the method has no gauge yet. */
  private static double active(MeterRegistry registry, Side side, String method) {
    Gauge gauge =
        registry
            .find(side.prefix + ".calls.active")
            .tags("service", SERVICE, "method", method)
            .gauge();
    return gauge == null ? Double.NaN : gauge.value();
  }
}
