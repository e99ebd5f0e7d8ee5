package org.witrpc.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.witrpc.Idempotent;
import org.witrpc.Listener;
import org.witrpc.MethodDescription;
import org.witrpc.ServerDescription;
import org.witrpc.ServiceDescription;
import org.witrpc.testkit.ComplexNumber;

/** What {@link ReflectionService} says about services, built from their classes. */
class ReflectionServiceTest {

  /** A listener with a generic record argument. */
  @Listener
  public interface TallyListener {
    void onTally(String name, ComplexNumber<String, Long> value);
  }

  /** Generic types, a record, overloads, a listener pair, async and idempotent methods. */
  public interface Tallies {
    List<Map<String, Integer>> merge(List<Map<String, Integer>> counts);

    @Idempotent
    int count(String name);

    int count(String name, int limit);

    ComplexNumber<Integer, Double> echo(ComplexNumber<Integer, Double> value);

    CompletableFuture<String> later(String value);

    CompletionStage<Void> nothingLater();

    void addTallyListener(TallyListener listener);

    void removeTallyListener(TallyListener listener);
  }

  /** Another registered service, to see the order kept. */
  public interface Other {
    void ping();
  }

  private static ServerDescription describe(List<Class<?>> services) {
    return new ReflectionService(services, "json", Map.of("maxClients", "3"), () -> "mem://t")
        .describe();
  }

  private static MethodDescription method(ServiceDescription s, String key) {
    return s.methods().stream()
        .filter(m -> m.key().equals(key))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + key + " in " + s.methods()));
  }

  /** A listener whose methods take listeners of its own kind. */
  @Listener
  public interface Chain {
    void onLink(String link);

    void addChain(Chain next);

    void removeChain(Chain next);
  }

  /** A service taking such listeners. */
  public interface Chains {
    void addChain(Chain chain);

    void removeChain(Chain chain);
  }

  @Test
  void aListenerThatTakesItsOwnKindIsDescribedOneLevelDeep() {
    ServiceDescription s = describe(List.of(Chains.class)).services().get(0);
    MethodDescription add = method(s, "addChain(" + Chain.class.getName() + ")");
    assertThat(add.listenerMethods())
        .extracting(MethodDescription::name)
        .contains("onLink", "addChain");
    assertThat(add.listenerMethods()).allMatch(e -> e.listenerMethods().isEmpty());
  }

  @Test
  void theServersServiceNamesAreTheApplicationsWithoutReflection() {
    WitServer server =
        WitServer.builder()
            .service(Other.class, () -> {})
            .service(Second.class, () -> {})
            .reflection(true)
            .transport("mem://service-names")
            .build();

    assertThat(server.serviceNames())
        .containsExactly(Other.class.getName(), Second.class.getName());
  }

  /** A second service, added after the first. */
  public interface Second {
    void mark();
  }

  @Test
  void describesTheServerAndItsServicesInRegistrationOrder() {
    ServerDescription d = describe(List.of(Tallies.class, Other.class));

    assertThat(d.protocolVersion()).isEqualTo(5);
    assertThat(d.serializer()).isEqualTo("json");
    assertThat(d.transportScheme()).isEqualTo("mem");
    assertThat(d.transportOptions()).containsExactly(Map.entry("maxClients", "3"));
    assertThat(d.services())
        .extracting(ServiceDescription::interfaceName)
        .containsExactly(Tallies.class.getName(), Other.class.getName());
  }

  @Test
  void givesReadableGenericTypesWireKeysAndParameterNames() {
    ServiceDescription s = describe(List.of(Tallies.class)).services().get(0);

    MethodDescription merge = method(s, "merge(java.util.List)");
    assertThat(merge.parameterTypes())
        .containsExactly("java.util.List<java.util.Map<java.lang.String, java.lang.Integer>>");
    assertThat(merge.returnType())
        .isEqualTo("java.util.List<java.util.Map<java.lang.String, java.lang.Integer>>");
    assertThat(merge.parameterNames()).hasSize(1); // "counts" with -parameters, else "arg0"
    assertThat(merge.async() || merge.idempotent() || merge.listenerAdd()).isFalse();

    MethodDescription echo = method(s, "echo(org.witrpc.testkit.ComplexNumber)");
    assertThat(echo.returnType())
        .isEqualTo("org.witrpc.testkit.ComplexNumber<java.lang.Integer, java.lang.Double>");
  }

  @Test
  void tellsOverloadsApartByKeyAndMarksIdempotentOnes() {
    ServiceDescription s = describe(List.of(Tallies.class)).services().get(0);

    assertThat(s.methods("count"))
        .extracting(MethodDescription::key)
        .containsExactlyInAnyOrder("count(java.lang.String)", "count(java.lang.String,int)");
    assertThat(method(s, "count(java.lang.String)").idempotent()).isTrue();
    assertThat(method(s, "count(java.lang.String,int)").idempotent()).isFalse();
    assertThat(method(s, "count(java.lang.String,int)").arity()).isEqualTo(2);
  }

  @Test
  void marksAsyncMethods() {
    ServiceDescription s = describe(List.of(Tallies.class)).services().get(0);

    assertThat(method(s, "later(java.lang.String)").async()).isTrue();
    assertThat(method(s, "later(java.lang.String)").returnType())
        .isEqualTo("java.util.concurrent.CompletableFuture<java.lang.String>");
    assertThat(method(s, "nothingLater()").async()).isTrue();
  }

  @Test
  void describesListenerMethodsWithTheirEvents() {
    ServiceDescription s = describe(List.of(Tallies.class)).services().get(0);
    String listenerKey = "(" + TallyListener.class.getName() + ")";

    MethodDescription add = method(s, "addTallyListener" + listenerKey);
    assertThat(add.listenerAdd()).isTrue();
    assertThat(add.listenerRemove()).isFalse();
    assertThat(add.listenerInterface()).isEqualTo(TallyListener.class.getName());
    assertThat(add.listenerMethods()).hasSize(1);
    MethodDescription event = add.listenerMethods().get(0);
    assertThat(event.key()).isEqualTo("onTally(java.lang.String,org.witrpc.testkit.ComplexNumber)");
    assertThat(event.parameterTypes())
        .containsExactly(
            "java.lang.String",
            "org.witrpc.testkit.ComplexNumber<java.lang.String, java.lang.Long>");

    MethodDescription remove = method(s, "removeTallyListener" + listenerKey);
    assertThat(remove.listenerRemove()).isTrue();
    assertThat(remove.listenerAdd()).isFalse();
    assertThat(remove.listenerMethods()).isEqualTo(add.listenerMethods());
    assertThat(method(s, "merge(java.util.List)").listenerInterface()).isEmpty();
    assertThat(method(s, "merge(java.util.List)").listenerMethods()).isEmpty();
  }

  @Test
  void showsTheUrisLimitsInBytesAndMillisButNoOtherOption() {
    Map<String, String> options =
        ReflectionService.transportOptions(
            "mmf://x?size=8MiB&sendTimeout=2s&keyStorePassword=secret&maxClients=7",
            1024,
            64,
            Duration.ofSeconds(10));

    assertThat(options)
        .containsOnly(
            Map.entry("maxFrameSize", "1024"),
            Map.entry("maxClients", "7"),
            Map.entry("sendTimeout", "2000ms"),
            Map.entry("size", Long.toString(8 << 20)));
  }

  @Test
  void aSignatureNamesTypesAndParameters() {
    MethodDescription m =
        new MethodDescription(
            "add",
            "add(int,int)",
            List.of("int", "int"),
            List.of("a", "b"),
            "int",
            false,
            false,
            false,
            false,
            "",
            List.of());

    assertThat(m.signature()).isEqualTo("add(int a, int b)");
  }
}
