package org.witrpc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.witrpc.Metadata;
import org.witrpc.MethodDescription;
import org.witrpc.RpcMethod;
import org.witrpc.ServerDescription;
import org.witrpc.ServiceDescription;
import org.witrpc.WitException;
import org.witrpc.WitRemoteException;
import org.witrpc.internal.Handshake;
import org.witrpc.testkit.Calculator;
import org.witrpc.testkit.ProgressListener;
import org.witrpc.testkit.TestService;

/**
 * Server reflection and calls without the interface class ({@link DynamicClient}) over {@link
 * TestService}, once per serializer, in clear and encrypted. A transport's tests extend this class
 * and implement {@link #transportUri(String)}.
 */
public abstract class AbstractDynamicContractTest extends RpcContractHarness {
  private static final String SERVICE = TestService.class.getName();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private DynamicClient dynamic() {
    return client.dynamic();
  }

  @ContractTest
  void describesTheRegisteredServicesButNotItself() {
    ServerDescription d = dynamic().describe();

    assertThat(d.protocolVersion()).isEqualTo(Handshake.PROTOCOL_VERSION);
    assertThat(d.serializer()).isEqualTo(serializer().name());
    assertThat(transportUri(name)).startsWith(d.transportScheme() + "://");
    assertThat(d.services()).extracting(ServiceDescription::interfaceName).containsExactly(SERVICE);
    ServiceDescription s = d.service(SERVICE).orElseThrow();
    assertThat(s.methods("echo"))
        .extracting(MethodDescription::key)
        .containsExactlyInAnyOrder("echo(int)", "echo(java.lang.String)");
    MethodDescription echoMap = s.methods("echoMap").get(0);
    assertThat(echoMap.parameterTypes())
        .containsExactly(
            "java.util.Map<java.lang.String, org.witrpc.testkit.ComplexNumber<java.lang.String,"
                + " java.lang.Long>>");
    MethodDescription add = s.methods("addProgressListener").get(0);
    assertThat(add.listenerAdd()).isTrue();
    assertThat(add.listenerInterface()).isEqualTo(ProgressListener.class.getName());
    assertThat(add.listenerMethods())
        .extracting(MethodDescription::key)
        .containsExactly("onProgress(int,java.lang.String)");
    assertThat(s.methods("addAsync").get(0).async()).isTrue();
  }

  @ContractTest
  void callsByNameWithJsonArgumentsAndGetsJsonBack() {
    assertThat(dynamic().call(SERVICE, "echoDouble", json("[-1.5]"))).isEqualTo(json("-1.5"));
    assertThat(dynamic().call(SERVICE, "joinNullable", json("[\"a\", 42, null]")))
        .isEqualTo(json("\"a|42|null\""));
    assertThat(dynamic().call(SERVICE, "getName", null)).isEqualTo(json("\"initial\""));
  }

  @ContractTest
  void genericRecordsListsAndMapsTravelAsJsonTrees() {
    JsonNode list =
        json("[{\"real\": 3, \"imaginary\": 4.5}, {\"real\": -1, \"imaginary\": 0.25}]");
    assertThat(dynamic().call(SERVICE, "echoList", JSON.createArrayNode().add(list)))
        .isEqualTo(list);
    JsonNode map = json("{\"a\": {\"real\": \"x\", \"imaginary\": 1099511627776}}");
    assertThat(dynamic().call(SERVICE, "echoMap", JSON.createArrayNode().add(map))).isEqualTo(map);
    assertThat(dynamic().call(SERVICE, "echoColor", json("[\"GREEN\"]")))
        .isEqualTo(json("\"GREEN\""));
  }

  @ContractTest
  void byteArraysTravelAsBase64Text() {
    JsonNode bytes = dynamic().call(SERVICE, "echoBytes", json("[\"AAH/fw==\"]"));

    assertThat(bytes.asText()).isEqualTo("AAH/fw==");
    assertThat(service.echoBytes(new byte[] {0, 1, -1, 127})).containsExactly(0, 1, -1, 127);
    assertThatThrownBy(() -> dynamic().call(SERVICE, "echoBytes", json("[\"not Base64!\"]")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("argument 1 (byte[]) is not Base64");
  }

  @ContractTest
  void overloadsArePickedByArityOrByExactKey() {
    assertThatThrownBy(() -> dynamic().call(SERVICE, "echo", json("[7]")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TestService.echo has 2 overloads of 1 arguments")
        .hasMessageContaining("echo(int arg0) [key echo(int)]")
        .hasMessageContaining("echo(java.lang.String arg0) [key echo(java.lang.String)]");
    assertThat(dynamic().call(SERVICE, "echo(int)", json("[7]"))).isEqualTo(json("7"));
    assertThat(dynamic().call(SERVICE, "echo(java.lang.String)", json("[\"7\"]")))
        .isEqualTo(json("\"7\""));
    assertThatThrownBy(() -> dynamic().call(SERVICE, "echoDouble", json("[1, 2]")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("echoDouble takes no 2 arguments")
        .hasMessageContaining("echoDouble(double arg0) [key echoDouble(double)]");
    assertThatThrownBy(() -> dynamic().call(SERVICE, "echo(int)", json("[1, 2]")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("takes 1 arguments, not 2");
  }

  @ContractTest
  void aBadArgumentIs400NamingTheParameter() {
    assertThatThrownBy(() -> dynamic().call(SERVICE, "joinNullable", json("[\"a\", \"x\", \"c\"]")))
        .isInstanceOfSatisfying(
            WitRemoteException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("TestService.joinNullable(")
        .hasMessageContaining("parameter 1 'arg1' (java.lang.Integer)");
    assertThatThrownBy(() -> dynamic().call(SERVICE, "echo", json("{}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be a JSON array");
    assertThat(dynamic().call(SERVICE, "echo(int)", json("[1]"))).isEqualTo(json("1"));
  }

  /** A fraction where the method takes an integer is a 400, not silently cut to the integer. */
  @ContractTest
  void aFractionForAnIntegerIs400() {
    assertThatThrownBy(() -> dynamic().call(SERVICE, "echo(int)", json("[1.5]")))
        .isInstanceOfSatisfying(
            WitRemoteException.class, e -> assertThat(e.status()).isEqualTo(400));
    assertThat(dynamic().call(SERVICE, "echo(int)", json("[2]"))).isEqualTo(json("2"));
  }

  @ContractTest
  void unknownServiceOrMethodIs404WithClearMessage() {
    assertThatThrownBy(() -> dynamic().call("com.acme.Nothing", "x", null))
        .isInstanceOfSatisfying(
            WitRemoteException.class, e -> assertThat(e.status()).isEqualTo(404))
        .hasMessageContaining("no service com.acme.Nothing on this server; it offers: " + SERVICE);
    assertThatThrownBy(() -> dynamic().call(SERVICE, "nope", null))
        .isInstanceOfSatisfying(
            WitRemoteException.class, e -> assertThat(e.status()).isEqualTo(404))
        .hasMessageContaining("no method nope in service " + SERVICE);
    assertThatThrownBy(() -> dynamic().call(SERVICE, "nope(int)", json("[1]")))
        .isInstanceOfSatisfying(
            WitRemoteException.class, e -> assertThat(e.status()).isEqualTo(404))
        .hasMessageContaining("no method nope(int) in service " + SERVICE);
  }

  /**
   * A listener's add or remove method called as a plain method (by its exact key) is a 400: the
   * server would otherwise run it with whatever the body holds (a null listener, which every later
   * event to that method's listeners then trips over).
   */
  @ContractTest
  void aListenerMethodCalledPlainlyIs400AndRegistersNothing() {
    for (String method :
        new String[] {
          "addProgressListener(org.witrpc.testkit.ProgressListener)",
          "removeProgressListener(org.witrpc.testkit.ProgressListener)"
        }) {
      assertThatThrownBy(() -> dynamic().call(SERVICE, method, json("[null]")))
          .isInstanceOfSatisfying(
              WitRemoteException.class, e -> assertThat(e.status()).isEqualTo(400))
          .hasMessageContaining("adds or removes a listener");
    }
    assertThat(service.progressListenerCount()).isZero();
    service.startProcessing(2, "still fine");
  }

  @ContractTest
  void voidAndNullResultsAreJsonNull() {
    assertThat(dynamic().call(SERVICE, "setName", json("[\"dyn\"]")))
        .isEqualTo(NullNode.getInstance());
    assertThat(service.getName()).isEqualTo("dyn");
    assertThat(dynamic().call(SERVICE, "returnNull", json("[]"))).isEqualTo(NullNode.getInstance());
  }

  @ContractTest
  void asyncMethodsAreAwaited() {
    assertThat(dynamic().call(SERVICE, "addAsync", json("[2, 3]"))).isEqualTo(json("5"));
    assertThat(dynamic().call(SERVICE, "echoAsync", json("[\"a\"]"))).isEqualTo(json("\"A\""));
  }

  @ContractTest
  void subscribeDeliversEventsAsJsonUntilClosed() {
    List<String> events = new CopyOnWriteArrayList<>();
    DynamicSubscription sub =
        dynamic().subscribe(SERVICE, "addProgressListener", (m, args) -> events.add(m + args));
    assertThat(sub.listenerInterface()).isEqualTo(ProgressListener.class.getName());
    assertThat(service.progressListenerCount()).isEqualTo(1);

    service.startProcessing(2, "s");
    await("two events", () -> events.size() == 2);
    assertThat(events).containsExactly("onProgress[1,\"s\"]", "onProgress[2,\"s\"]");

    sub.close();
    assertThat(service.progressListenerCount()).isZero();
    sub.close(); // idempotent
    assertThatThrownBy(() -> dynamic().call(SERVICE, "addProgressListener", json("[{}]")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is a listener method: use subscribe");
    assertThatThrownBy(() -> dynamic().subscribe(SERVICE, "getName", (m, a) -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a listener add method");
  }

  @ContractTest
  void interceptorsSeeDynamicCallsAndTheirMetadataReachesTheServer() {
    List<String> seen = new CopyOnWriteArrayList<>();
    server.close();
    server =
        startServer(
            b ->
                b.interceptor(
                    chain -> {
                      seen.add("server " + chain.context().metadata().get("k"));
                      return chain.proceed();
                    }));
    WitClient intercepted =
        connect(
            b ->
                b.interceptor(
                    chain -> {
                      RpcMethod m = chain.method();
                      seen.add(m.serviceName() + " " + m.key() + " " + (m.javaMethod() == null));
                      return chain.proceed(Metadata.empty().with("k", "v"));
                    }));

    assertThat(intercepted.dynamic().call(SERVICE, "echo(int)", json("[3]"))).isEqualTo(json("3"));
    assertThat(seen).containsExactly(SERVICE + " echo(int) true", "server v");
  }

  @ContractTest
  void reflectionOffRefusesDescribeClearlyButKeysStillWork() {
    server.close();
    server = startServer(b -> b.reflection(false).service(Calculator.class, impl));
    DynamicClient off = connect(b -> {}).dynamic();

    assertThatThrownBy(off::describe)
        .isInstanceOfSatisfying(
            WitRemoteException.class, e -> assertThat(e.status()).isEqualTo(404))
        .hasMessageContaining(
            "reflection is off on this server (WitServer.Builder.reflection(false))");
    assertThatThrownBy(() -> off.call(SERVICE, "getName", null))
        .hasMessageContaining("reflection is off on this server");
    assertThat(off.call(Calculator.class.getName(), "add(int,int)", json("[2, 3]")))
        .isEqualTo(json("5"));
  }

  @ContractTest
  void reflectionNeedsAValidTokenLikeAnyCall() {
    server.close();
    server = startServer(b -> b.accessToken("secret"));
    WitClient wrong = client(b -> b.accessToken("wrong"));
    assertThatThrownBy(() -> wrong.connect(Duration.ofSeconds(5))).isInstanceOf(WitException.class);

    assertThatThrownBy(() -> wrong.dynamic().describe())
        .isInstanceOf(WitException.class)
        .isNotInstanceOf(WitRemoteException.class);
    assertThat(connect(b -> b.accessToken("secret")).dynamic().describe().services()).hasSize(1);
  }
}
