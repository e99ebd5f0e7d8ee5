package org.witrpc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.witrpc.Metadata;
import org.witrpc.Status;
import org.witrpc.WitException;
import org.witrpc.WitRemoteException;
import org.witrpc.WitSerializationException;
import org.witrpc.WitTimeoutException;
import org.witrpc.internal.CallMetadata;
import org.witrpc.server.ServerInterceptor;
import org.witrpc.server.WitServer;
import org.witrpc.testkit.TestService;

/**
 * The interceptor and call-context contract every transport must pass: client and server
 * interceptors run in order and may short-circuit, metadata travels (within the server's bound),
 * the deadline is visible, and a caller that gives up (timeout, cancelled future) interrupts the
 * server method. A transport's tests extend this class and implement {@link #transportUri(String)}.
 */
public abstract class AbstractInterceptorContractTest extends RpcContractHarness {
  /** What the interceptors saw, in order ("client A >", "server X <", ...). */
  protected final List<String> seen = new CopyOnWriteArrayList<>();

  protected final ContextServiceImpl contextImpl = new ContextServiceImpl();

  /** An interceptor that records the call around proceed, adding its name to the metadata. */
  private ClientInterceptor clientRecorder(String name) {
    return chain -> {
      seen.add("client " + name + " > " + chain.method().methodName());
      Object result = chain.proceed(chain.metadata().with("via-" + name, name));
      seen.add("client " + name + " <");
      return result;
    };
  }

  /** {@code future} as a CompletionStage that is no CompletableFuture. */
  @SuppressWarnings("unchecked")
  private static CompletionStage<Object> onlyAStage(CompletableFuture<?> future) {
    return (CompletionStage<Object>)
        Proxy.newProxyInstance(
            CompletionStage.class.getClassLoader(),
            new Class<?>[] {CompletionStage.class},
            (proxy, method, args) -> method.invoke(future, args));
  }

  private ServerInterceptor serverRecorder(String name) {
    return chain -> {
      seen.add("server " + name + " > " + chain.context().metadata().keys());
      try {
        return chain.proceed();
      } finally {
        seen.add("server " + name + " <");
      }
    };
  }

  @Override
  protected void configure(WitServer.Builder b) {
    b.service(ContextService.class, contextImpl)
        .maxMetadataSize(1024)
        .interceptor(serverRecorder("X"))
        .interceptor(
            chain -> {
              if ("deny".equals(chain.context().metadata().get("policy"))) {
                throw new WitRemoteException(Status.UNAUTHORIZED.code(), null, "denied", null);
              }
              if ("misfit".equals(chain.context().metadata().get("policy"))) {
                return 42; // where the method returns a String
              }
              if ("stage".equals(chain.context().metadata().get("policy"))) {
                return onlyAStage(CompletableFuture.completedFuture("staged"));
              }
              return chain.proceed();
            })
        .interceptor(serverRecorder("Y"));
  }

  @Override
  protected void configure(WitClient.Builder b) {
    b.interceptor(clientRecorder("A"))
        .interceptor(
            chain -> {
              Object[] args = chain.arguments();
              if (args.length == 1 && "short".equals(args[0])) {
                return "answered by the client interceptor";
              }
              if (args.length == 1 && "boom".equals(args[0])) {
                throw new IllegalStateException("boom");
              }
              if (args.length == 1 && "assert".equals(args[0])) {
                throw new AssertionError("an interceptor's own check");
              }
              if (args.length == 1 && "deny".equals(args[0])) {
                return chain.proceed(chain.metadata().with("policy", "deny"));
              }
              if (args.length == 1 && ("misfit".equals(args[0]) || "stage".equals(args[0]))) {
                return chain.proceed(chain.metadata().with("policy", (String) args[0]));
              }
              return chain.proceed();
            })
        .interceptor(clientRecorder("B"));
  }

  private ContextService contextService() {
    return client.service(ContextService.class);
  }

  @ContractTest
  void interceptorsRunInTheirOrderOnBothSidesAndMetadataTravels() {
    assertThat(contextService().metadata("via-A")).isEqualTo("A");
    assertThat(seen)
        .containsExactly(
            "client A > metadata",
            "client B > metadata",
            "server X > [via-A, via-B]",
            "server Y > [via-A, via-B]",
            "server Y <",
            "server X <",
            "client B <",
            "client A <");
  }

  @ContractTest
  void aClientInterceptorShortCircuitsOrFailsOnlyItsCall() {
    assertThat(contextService().metadata("short")).isEqualTo("answered by the client interceptor");
    assertThat(seen).noneMatch(s -> s.startsWith("server"));
    assertThatThrownBy(() -> contextService().metadata("boom"))
        .isInstanceOf(WitException.class)
        .hasMessageContaining("client interceptor #2")
        .hasMessageContaining(AbstractInterceptorContractTest.class.getName())
        .hasCauseInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> contextService().metadata("assert"))
        .as("an Error is named too")
        .isInstanceOf(WitException.class)
        .hasMessageContaining("client interceptor #2")
        .hasCauseInstanceOf(AssertionError.class);
    assertThat(contextService().metadata("via-B")).isEqualTo("B");
  }

  /** An answer the method cannot return fails the call naming it, not with a bare JDK exception. */
  @ContractTest
  void aClientInterceptorAnsweringWhatTheMethodCannotReturnFailsTheCallClearly() {
    WitClient c =
        connect(
            b ->
                b.interceptor(
                    chain -> {
                      Object first = chain.arguments()[0];
                      if (Integer.valueOf(13).equals(first) || "null".equals(first)) {
                        return null;
                      }
                      if (Integer.valueOf(14).equals(first) || "text".equals(first)) {
                        return "text";
                      }
                      return chain.proceed();
                    }));
    TestService s = c.service(TestService.class);

    assertThatThrownBy(() -> s.echo(13))
        .isInstanceOf(WitException.class)
        .hasMessageEndingWith(
            "echo(int): the client interceptors answered null where the method returns int");
    assertThatThrownBy(() -> s.echo(14))
        .isInstanceOf(WitException.class)
        .hasMessageContaining("answered a java.lang.String where the method returns int");
    assertThatThrownBy(() -> s.echoAsync("text"))
        .isInstanceOf(WitException.class)
        .hasMessageContaining(
            "answered a java.lang.String where the method returns "
                + "java.util.concurrent.CompletableFuture");
    assertThatThrownBy(() -> s.echoAsync("null"))
        .as("an asynchronous method's caller needs a future to wait on")
        .isInstanceOf(WitException.class)
        .hasMessageContaining(
            "answered null where the method returns java.util.concurrent.CompletableFuture");
    assertThat(s.echo("null")).as("null where null may be").isNull();
    assertThat(s.echo(15)).isEqualTo(15);
  }

  @ContractTest
  void aServerInterceptorRefusesACallWithItsStatusNamingIt() {
    assertThatThrownBy(() -> contextService().metadata("deny"))
        .isInstanceOfSatisfying(
            WitRemoteException.class, e -> assertThat(e.status()).isEqualTo(561))
        .hasMessageContaining("server interceptor #2")
        .hasMessageContaining("denied");
    assertThat(seen).doesNotContain("server Y > [via-A, via-B, policy]");
    assertThat(contextService().metadata("via-A")).isEqualTo("A");

    assertThatThrownBy(() -> contextService().metadata("misfit"))
        .as("an answer the method could not have returned is the server's error, named")
        .isInstanceOfSatisfying(
            WitRemoteException.class, e -> assertThat(e.status()).isEqualTo(500))
        .hasMessageContaining(
            "the server interceptors answered a java.lang.Integer where the method returns"
                + " java.lang.String");
    assertThat(contextService().blockAsync("stage"))
        .as("any CompletionStage is an answer for an asynchronous method, as documented")
        .succeedsWithin(java.time.Duration.ofSeconds(10))
        .isEqualTo("staged");
  }

  @ContractTest
  void binaryMetadataTravelsAndTooMuchFailsBeforeSending() {
    WitClient c =
        connect(
            b ->
                b.interceptor(
                    chain -> {
                      if ("many".equals(chain.arguments()[0])) {
                        Metadata.Builder many = chain.metadata().toBuilder();
                        for (int i = 0; i <= CallMetadata.MAX_ENTRIES; i++) {
                          many.put("k" + i, "");
                        }
                        return chain.proceed(many.build());
                      }
                      int size = "big".equals(chain.arguments()[0]) ? 2000 : 100;
                      return chain.proceed(chain.metadata().with("bin", new byte[size]));
                    }));
    ContextService s = c.service(ContextService.class);
    assertThat(s.binaryLength("bin")).isEqualTo(100);
    assertThatThrownBy(() -> s.binaryLength("big"))
        .isInstanceOf(WitSerializationException.class)
        .hasMessageContaining("exceeds the server's limit of 1024 bytes");
    assertThatThrownBy(() -> s.binaryLength("many"))
        .isInstanceOf(WitSerializationException.class)
        .hasMessageContaining(
            "entries exceeds the protocol's limit of " + CallMetadata.MAX_ENTRIES);
    assertThat(s.binaryLength("bin")).isEqualTo(100);
  }

  @ContractTest
  void theDeadlineAndThePeerAreVisibleInTheContext() {
    long left = contextService().deadlineMillisLeft();
    assertThat(left).isBetween(1L, 30_000L).isGreaterThan(20_000L);
    assertThat(transportUri(name)).startsWith(contextService().peerTransport() + "://");
  }

  /** True for a network transport, whose server knows the client's address; false by default. */
  protected boolean peerHasAddress() {
    return false;
  }

  @ContractTest
  void thePeerAddressIsKnownWhereTheTransportHasOne() {
    String address = contextService().peerAddress();
    if (peerHasAddress()) {
      assertThat(address).matches("loopback:[1-9][0-9]*");
    } else {
      assertThat(address).isEmpty();
    }
  }

  @ContractTest
  void aClientTimeoutInterruptsTheServerMethod() {
    WitClient c = connect(b -> b.timeout(Duration.ofMillis(300)));
    assertThatThrownBy(() -> c.service(ContextService.class).block("timeout"))
        .isInstanceOf(WitTimeoutException.class);
    awaitEquals(
        "how the method ended",
        () -> contextImpl.endings.get("timeout"),
        "interrupted, cancelled=true");
  }

  @ContractTest
  void cancellingTheFutureInterruptsTheServerMethod() {
    CompletableFuture<String> f = contextService().blockAsync("future");
    await("the method started", () -> contextImpl.started.containsKey("future"));
    assertThat(f.cancel(true)).isTrue();
    awaitEquals(
        "how the method ended",
        () -> contextImpl.endings.get("future"),
        "interrupted, cancelled=true");
    assertThat(contextService().metadata("via-A")).isEqualTo("A"); // the connection serves on
  }
}
