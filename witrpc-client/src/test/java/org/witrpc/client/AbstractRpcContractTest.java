package org.witrpc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.witrpc.WitRemoteException;
import org.witrpc.WitSecurityException;
import org.witrpc.WitSerializationException;
import org.witrpc.WitTimeoutException;
import org.witrpc.WitTransportException;
import org.witrpc.testkit.Calculator;
import org.witrpc.testkit.Color;
import org.witrpc.testkit.ComplexListener;
import org.witrpc.testkit.ComplexNumber;
import org.witrpc.testkit.Greeter;
import org.witrpc.testkit.ProgressListener;
import org.witrpc.testkit.PropertyChangedListener;
import org.witrpc.testkit.TestService;
import org.witrpc.testkit.UnknownService;

/**
 * The RPC contract every transport must pass, over {@link TestService}, once per serializer. A
 * transport's tests extend this class and implement {@link #transportUri(String)}.
 */
public abstract class AbstractRpcContractTest extends RpcContractHarness {

  /** Records progress events with the thread they arrived on. */
  protected static final class Progress implements ProgressListener {
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();

    @Override
    public void onProgress(int percent, String stage) {
      events.add(stage + percent);
      threads.add(Thread.currentThread().getName());
    }
  }

  @ContractTest
  void echoesSimpleValues() {
    assertThat(service.echo("héllo")).isEqualTo("héllo");
    assertThat(service.echo(42)).isEqualTo(42);
    assertThat(service.echoDouble(-1.5e300)).isEqualTo(-1.5e300);
    assertThat(service.echoTime(someTime())).isEqualTo(someTime());
    assertThat(service.echoBytes(new byte[] {0, 1, -1, 127})).containsExactly(0, 1, -1, 127);
    assertThat(service.echoBytes(new byte[0])).isEmpty();
    assertThat(service.echoColor(Color.GREEN)).isEqualTo(Color.GREEN);
    assertThat(service.echoOptional(Optional.of("x"))).contains("x");
    assertThat(service.echoOptional(Optional.empty())).isEmpty();
  }

  /**
   * Text arrives as it was sent, every code point included. A lone surrogate (half of a UTF-16
   * pair, which UTF-8 has no encoding for) arrives unchanged in JSON and fails the call unsent in
   * MessagePack, naming it, where msgpack-java alone would deliver '?' in its place; an error's
   * message holding one arrives with U+FFFD there (in JSON, where the argument that carries it to
   * the server can go). The connection serves on.
   */
  @ContractTest
  void textArrivesAsSentOrTheCallFailsNamingTheLoneSurrogate() {
    String text = "ascii \u00e9 \u20ac \uD83D\uDE00 \u0000 \uFFFF \uD834\uDD1E";
    assertThat(service.echo(text)).isEqualTo(text);
    assertThat(service.echoMap(Map.of(text, new ComplexNumber<>(text, 1L))))
        .containsEntry(text, new ComplexNumber<>(text, 1L));
    String lone = "a\uD83Db";
    if (variant.json()) {
      assertThat(service.echo(lone)).isEqualTo(lone);
      // the server's error text with one (MessagePack refuses the argument that would carry it)
      assertThatThrownBy(() -> service.fail("bad \uDE00 input"))
          .isInstanceOf(WitRemoteException.class)
          .hasMessageContaining("bad \uFFFD input");
    } else {
      assertThatThrownBy(() -> service.echo(lone))
          .isInstanceOf(WitSerializationException.class)
          .hasMessageContaining("a lone surrogate (U+D83D) at index 1");
      assertThatThrownBy(() -> service.echoMap(Map.of(lone, new ComplexNumber<>("v", 1L))))
          .isInstanceOf(WitSerializationException.class)
          .hasMessageContaining("a lone surrogate (U+D83D) at index 1");
    }
    assertThat(service.echo("still serving")).isEqualTo("still serving");
  }

  @ContractTest
  void largeByteArraysTravelAmongOtherArgumentsBothWays() {
    byte[] first = new byte[1 << 20];
    byte[] last = new byte[100_000];
    new java.util.Random(3).nextBytes(first);
    new java.util.Random(4).nextBytes(last);
    byte[] expected = new byte[first.length + 3 + last.length];
    System.arraycopy(first, 0, expected, 0, first.length);
    System.arraycopy(
        "mid".getBytes(java.nio.charset.StandardCharsets.UTF_8), 0, expected, first.length, 3);
    System.arraycopy(last, 0, expected, first.length + 3, last.length);

    assertThat(service.concat(first, "mid", last)).isEqualTo(expected);
    assertThat(service.concat(null, "mid", last))
        .isEqualTo(java.util.Arrays.copyOfRange(expected, first.length, expected.length));
    assertThat(service.concat(first, null, null)).isEqualTo(first);
  }

  @ContractTest
  void echoesGenericRecordsListsAndMaps() {
    ComplexNumber<Integer, Double> c = new ComplexNumber<>(3, 4.5);
    assertThat(service.echoComplex(c)).isEqualTo(c);
    List<ComplexNumber<Integer, Double>> list = List.of(c, new ComplexNumber<>(-1, 0.25));
    assertThat(service.echoList(list)).isEqualTo(list);
    assertThat(service.echoList(List.of())).isEmpty();
    Map<String, ComplexNumber<String, Long>> map =
        Map.of("a", new ComplexNumber<>("x", 1L << 40), "b", new ComplexNumber<>("y", -2L));
    assertThat(service.echoMap(map)).isEqualTo(map);
  }

  @ContractTest
  void nullsRoundTripDistinctFromEmpty() {
    assertThat(service.requestNullable(null)).isEqualTo("null");
    assertThat(service.requestNullable("")).isEqualTo("!");
    assertThat(service.returnNull()).isNull();
    assertThat(service.echo((String) null)).isNull();
    assertThat(service.echoList(null)).isNull();
    assertThat(service.echoBytes(null)).isNull();
    for (String a : new String[] {null, "a"}) {
      for (Integer b : new Integer[] {null, 42}) {
        for (String c : new String[] {null, "c"}) {
          assertThat(service.joinNullable(a, b, c)).isEqualTo(a + "|" + b + "|" + c);
        }
      }
    }
    assertThat(service.joinNullable(null, 42, null)).isEqualTo("null|42|null");
  }

  @ContractTest
  void overloadsAreDistinct() {
    assertThat(service.echo(7)).isEqualTo(7);
    assertThat(service.echo("7")).isEqualTo("7");
  }

  @ContractTest
  void defaultAndObjectMethodsRunLocally() {
    assertThat(service.shout("hi")).isEqualTo("HI!");
    assertThat(service).isEqualTo(service).isSameAs(client.service(TestService.class));
    assertThat(service.equals(client.service(Calculator.class))).isFalse();
    assertThat(service.hashCode()).isEqualTo(System.identityHashCode(service));
    assertThat(service.toString()).contains("TestService");
  }

  @ContractTest
  void propertyChangeFiresExactlyOncePerSet() {
    List<Object> changes = new CopyOnWriteArrayList<>();
    PropertyChangedListener l = (property, value) -> changes.add(property + "=" + value);
    service.addPropertyChangedListener(l);
    service.setName("a");
    service.setName("b");
    assertThat(service.getName()).isEqualTo("b");
    service.setName("c");
    // callbacks arrive in order: once "c" is there, any duplicate of a or b would be too
    await("name=c", () -> changes.contains("name=c"));
    assertThat(changes).containsExactly("name=a", "name=b", "name=c");
  }

  @ContractTest
  void asyncMethodsReturnAtOnceAndComplete() throws Exception {
    CompletableFuture<String> pending = service.never();
    assertThat(pending).isNotDone();
    assertThat(service.echoAsync("abc").get(10, TimeUnit.SECONDS)).isEqualTo("ABC");
    CompletionStage<Integer> sum = service.addAsync(2, 3);
    assertThat(sum.toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(5);
    assertThat(pending).isNotDone();
  }

  @ContractTest
  void eventsWithSimpleArgumentsArriveInOrderOnCallbackThread() {
    Progress p = new Progress();
    service.addProgressListener(p);
    service.startProcessing(5, "s");
    await("5 events", () -> p.events.size() == 5);
    assertThat(p.events).containsExactly("s1", "s2", "s3", "s4", "s5");
    assertThat(p.threads).allMatch(n -> n.startsWith("witrpc-callbacks-"));
  }

  /**
   * Events asked for one at a time, each by a call, while another thread keeps calling: the
   * client's callback thread, spinning for the next event, reads the connection itself where the
   * transport lets it, so it and the callers take turns reading; no event or reply may be lost or
   * reordered.
   */
  @ContractTest
  void eventsAskedForOneByOneArriveInOrderWhileAnotherThreadCalls() throws Exception {
    BlockingQueue<String> events = new LinkedBlockingQueue<>();
    List<String> threads = new CopyOnWriteArrayList<>();
    service.addProgressListener(
        (percent, stage) -> {
          threads.add(Thread.currentThread().getName());
          events.add(stage + percent);
        });
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> callerFailed = new AtomicReference<>();
    Thread caller =
        new Thread(
            () -> {
              try {
                for (int i = 0; !stop.get(); i++) {
                  assertThat(service.echo("c" + i)).isEqualTo("c" + i);
                }
              } catch (Throwable t) {
                callerFailed.set(t);
              }
            },
            "contract-caller");
    caller.start();
    try {
      for (int i = 1; i <= 300; i++) {
        service.startProcessing(1, "r" + i + "-");
        assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("r" + i + "-1");
      }
    } finally {
      stop.set(true);
      caller.join(TimeUnit.SECONDS.toMillis(10));
    }
    assertThat(callerFailed.get()).isNull();
    assertThat(events).isEmpty();
    assertThat(threads).allMatch(n -> n.startsWith("witrpc-callbacks-"));
  }

  @ContractTest
  void eventsWithComplexArguments() {
    List<Object[]> got = new CopyOnWriteArrayList<>();
    ComplexListener l = (value, colors, at) -> got.add(new Object[] {value, colors, at});
    service.addComplexListener(l);
    ComplexNumber<String, Long> value = new ComplexNumber<>("re", 99L);
    service.fireComplex(value, List.of(Color.RED, Color.BLUE), someTime());
    await("complex event", () -> got.size() == 1);
    assertThat(got.get(0)).containsExactly(value, List.of(Color.RED, Color.BLUE), someTime());
  }

  @ContractTest
  void twoListenersOnOneClientAndTheSameListenerTwice() {
    Progress a = new Progress();
    Progress b = new Progress();
    service.addProgressListener(a);
    service.addProgressListener(b);
    service.addProgressListener(b);
    assertThat(service.progressListenerCount()).isEqualTo(3);
    service.startProcessing(1, "x");
    await("events", () -> a.events.size() == 1 && b.events.size() == 2);
    service.removeProgressListener(b);
    assertThat(service.progressListenerCount()).isEqualTo(2);
  }

  @ContractTest
  void unsubscribeStopsDelivery() {
    Progress removed = new Progress();
    Progress marker = new Progress();
    service.addProgressListener(removed);
    service.removeProgressListener(removed);
    assertThat(service.progressListenerCount()).isZero();
    service.addProgressListener(marker);
    service.startProcessing(3, "m");
    await("marker events", () -> marker.events.size() == 3);
    assertThat(removed.events).isEmpty();
  }

  @ContractTest
  void eachClientGetsOnlyWhatItSubscribedTo() {
    WitClient other = connect(b -> {});
    TestService otherService = other.service(TestService.class);
    Progress mine = new Progress();
    List<Object> otherComplex = new CopyOnWriteArrayList<>();
    Progress otherProgress = new Progress();
    service.addProgressListener(mine);
    otherService.addComplexListener((v, c, t) -> otherComplex.add(v));
    otherService.fireComplex(new ComplexNumber<>("a", 1L), List.of(), someTime());
    otherService.startProcessing(2, "p");
    await("both delivered", () -> mine.events.size() == 2 && otherComplex.size() == 1);
    otherService.addProgressListener(otherProgress);
    otherService.startProcessing(1, "q");
    await("second round", () -> otherProgress.events.size() == 1 && mine.events.size() == 3);
    assertThat(mine.events).containsExactly("p1", "p2", "q1");
    assertThat(otherProgress.events).containsExactly("q1");
  }

  @ContractTest
  void disconnectRemovesTheClientsListeners() {
    WitClient other = connect(b -> {});
    other.service(TestService.class).addProgressListener(new Progress());
    other.service(TestService.class).addProgressListener(new Progress());
    assertThat(service.progressListenerCount()).isEqualTo(2);
    other.close();
    awaitEquals("listener count", service::progressListenerCount, 0);
  }

  @ContractTest
  void listenerMayCallTheServer() {
    List<String> echoed = new CopyOnWriteArrayList<>();
    service.addProgressListener((percent, stage) -> echoed.add(service.echo(stage + percent)));
    service.startProcessing(2, "e");
    await("echoes from listener", () -> echoed.size() == 2);
    assertThat(echoed).containsExactly("e1", "e2");
  }

  @ContractTest
  void compositeServiceRoutesByInterface() {
    server.close();
    startServerWith(b -> b.service(Calculator.class, impl).service(Greeter.class, impl));
    WitClient c = connect(b -> {});
    assertThat(c.service(Calculator.class).add(2, 3)).isEqualTo(5);
    assertThat(c.service(Calculator.class).multiply(1L << 20, 1L << 20)).isEqualTo(1L << 40);
    assertThat(c.service(Greeter.class).greet("Ann")).isEqualTo("Hello, Ann");
    assertThat(c.service(TestService.class).echo(1)).isEqualTo(1);
  }

  /** Replaces the default server (already closed by the caller) with a configured one. */
  private void startServerWith(java.util.function.Consumer<org.witrpc.server.WitServer.Builder> c) {
    server = startServer(c);
  }

  @ContractTest
  void unknownServiceIs404() {
    assertThatThrownBy(() -> client.service(UnknownService.class).nothing())
        .isInstanceOfSatisfying(
            WitRemoteException.class, e -> assertThat(e.status()).isEqualTo(404))
        .hasMessageContaining("UnknownService.nothing()")
        .hasMessageContaining("no service org.witrpc.testkit.UnknownService");
  }

  @ContractTest
  void implementationExceptionIs500WithClassAndMessage() {
    assertThatThrownBy(() -> service.fail("boom"))
        .isInstanceOfSatisfying(
            WitRemoteException.class,
            e -> {
              assertThat(e.status()).isEqualTo(500);
              assertThat(e.remoteClassName()).contains("java.lang.IllegalStateException");
              assertThat(e.remoteMessage()).contains("boom");
              assertThat(e.remoteStackTrace()).isEmpty();
            })
        .hasMessageStartingWith("TestService.fail(String): ");
    assertThat(service.echo("still fine")).isEqualTo("still fine");
  }

  @ContractTest
  void stackTraceIsSentOnlyWhenTheServerOptsIn() {
    server.close();
    startServerWith(b -> b.sendStackTraces(true));
    TestService s = connect(b -> {}).service(TestService.class);
    assertThatThrownBy(() -> s.fail("traced"))
        .isInstanceOfSatisfying(
            WitRemoteException.class,
            e -> assertThat(e.remoteStackTrace().orElseThrow()).contains("TestServiceImpl.fail"));
  }

  @ContractTest
  void noReplyWithinTheTimeoutFailsAndTheLateReplyIsDropped() {
    // A second: the call after the timeout must make it within that on a loaded machine (200 ms
    // did not, once, over TLS).
    WitClient impatient = connect(b -> b.timeout(Duration.ofSeconds(1)));
    TestService s = impatient.service(TestService.class);
    assertThatThrownBy(() -> s.slowEcho("late", 2_500))
        .isInstanceOf(WitTimeoutException.class)
        .hasMessageContaining("TestService.slowEcho(String, long)");
    assertThat(s.echo("next")).isEqualTo("next");
    Throwable asyncTimeout = failureOf(s.never());
    assertThat(asyncTimeout).isInstanceOf(WitTimeoutException.class);
  }

  @ContractTest
  void anInterruptedCallerReturnsPromptlyAndTheConnectionStaysUsable() throws Exception {
    ExecutorService threads = Executors.newSingleThreadExecutor();
    try {
      AtomicReference<Boolean> interruptKept = new AtomicReference<>();
      Future<String> blocked =
          threads.submit(
              () -> {
                try {
                  return service.slowEcho("x", 30_000);
                } finally {
                  interruptKept.set(Thread.currentThread().isInterrupted());
                }
              });
      await("the call is running on the server", () -> impl.slowOrNeverCallsReceived() == 1);
      long cancelledAt = System.nanoTime();
      blocked.cancel(true); // interrupts the caller, as ExecutorService.shutdownNow() would
      await("the caller returned", () -> interruptKept.get() != null);
      assertThat(Duration.ofNanos(System.nanoTime() - cancelledAt))
          .as("time from the interrupt to the return (the call would take 30 s)")
          .isLessThan(Duration.ofSeconds(10));
      assertThat(interruptKept.get()).as("interrupt status kept").isTrue();
      await("the abandoned call is forgotten", () -> pendingCalls() == 0);
    } finally {
      threads.shutdownNow();
    }
    assertThat(service.echo("still usable")).isEqualTo("still usable");
    assertThat(client.state()).isEqualTo(ConnectionState.READY);
  }

  @ContractTest
  void anInterruptedCallerGetsAWitException() throws Exception {
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread caller =
        new Thread(
            () -> {
              Thread.currentThread().interrupt();
              try {
                service.slowEcho("x", 30_000);
              } catch (Throwable t) {
                thrown.set(t);
              }
            });
    caller.start();
    caller.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(caller.isAlive()).as("still waiting for a 30 s call after an interrupt").isFalse();
    assertThat(thrown.get())
        .isInstanceOf(org.witrpc.WitException.class)
        .hasMessageContaining("interrupted");
    assertThat(service.echo("still usable")).isEqualTo("still usable");
  }

  @ContractTest
  void everyPendingCallFailsWhenTheConnectionDrops() throws Exception {
    List<CompletableFuture<String>> futures = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      futures.add(service.never());
    }
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<String> sync = threads.submit(() -> service.slowEcho("x", 30_000));
      await("calls registered", () -> pendingCalls() == 4);
      // on the server too: a call that arrives while it closes is refused (503) instead
      await("calls running on the server", () -> impl.slowOrNeverCallsReceived() == 4);
      server.close();
      for (CompletableFuture<String> f : futures) {
        assertThat(failureOf(f)).isInstanceOf(WitTransportException.class);
      }
      assertThatThrownBy(() -> sync.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(WitTransportException.class);
    } finally {
      threads.shutdownNow();
    }
    assertThatThrownBy(() -> service.echo("after")).isInstanceOf(WitTransportException.class);
  }

  private int pendingCalls() {
    return client.pendingCallCount();
  }

  @ContractTest
  void manyThreadsManyCallsEveryReplyMatched() throws Exception {
    int threads = 16;
    int calls = 1_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int base = t * calls;
        results.add(
            pool.submit(
                () -> {
                  int ok = 0;
                  for (int i = 0; i < calls; i++) {
                    int v = base + i;
                    if (service.echo(v) == v && service.echo("s" + v).equals("s" + v)) {
                      ok++;
                    }
                  }
                  return ok;
                }));
      }
      for (Future<Integer> r : results) {
        assertThat(r.get(120, TimeUnit.SECONDS)).isEqualTo(calls);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @ContractTest
  void aSlowCallDoesNotDelayAFastOne() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<String> slow = pool.submit(() -> service.slowEcho("slow", 1_000));
      await("slow call in flight", () -> pendingCalls() == 1);
      assertThat(service.echo("fast")).isEqualTo("fast");
      assertThat(slow).isNotDone();
      assertThat(slow.get(10, TimeUnit.SECONDS)).isEqualTo("slow");
    } finally {
      pool.shutdownNow();
    }
  }

  @ContractTest
  void inlineDispatchServesCallsAndEvents() {
    server.close();
    startServerWith(b -> b.dispatch(org.witrpc.server.Dispatch.INLINE));
    TestService s = connect(b -> {}).service(TestService.class);
    Progress p = new Progress();
    s.addProgressListener(p);
    assertThat(s.echo("inline")).isEqualTo("inline");
    s.startProcessing(2, "i");
    await("inline events", () -> p.events.size() == 2);
    assertThat(s.echoAsync("a").join()).isEqualTo("A");
  }

  @ContractTest
  void accessTokenIsChecked() {
    server.close();
    startServerWith(b -> b.accessToken("secret"));
    WitClient wrong = client(b -> b.accessToken("wrong"));
    assertThatThrownBy(() -> wrong.connect(Duration.ofSeconds(5)))
        .isInstanceOf(WitSecurityException.class)
        .hasMessageContaining("access token refused")
        .hasMessageNotContaining("wrong");
    assertThat(wrong.isConnected()).isFalse();
    WitClient none = client(b -> {});
    assertThatThrownBy(() -> none.connect(Duration.ofSeconds(5)))
        .isInstanceOf(WitSecurityException.class)
        .hasMessageContaining("requires an access token");
    WitClient right = connect(b -> b.accessToken("secret"));
    assertThat(right.service(TestService.class).echo("in")).isEqualTo("in");
  }

  @ContractTest
  void tokenValidatorDecides() {
    server.close();
    startServerWith(b -> b.tokenValidator(t -> t.startsWith("ok-")));
    // a validator must see the token: with encryption the client must allow sending it
    assertThat(
            connect(b -> b.accessToken("ok-1").sendTokenToServer(true))
                .service(TestService.class)
                .echo(1))
        .isEqualTo(1);
    assertThatThrownBy(
            () ->
                client(b -> b.accessToken("no").sendTokenToServer(true))
                    .connect(Duration.ofSeconds(5)))
        .isInstanceOf(WitSecurityException.class);
  }

  @ContractTest
  void serializerMismatchIsNamed() {
    WitClient mismatched = client(b -> b.serializer(otherSerializer()));
    assertThatThrownBy(() -> mismatched.connect(Duration.ofSeconds(5)))
        .isInstanceOf(WitSecurityException.class)
        .hasMessageContaining("serializer mismatch")
        .hasMessageContaining("'" + serializer().name() + "'");
  }

  @ContractTest
  void maxClientsIsEnforced() {
    server.close();
    startServerWith(b -> b.maxClients(1));
    connect(b -> {});
    assertThatThrownBy(() -> client(b -> {}).connect(Duration.ofSeconds(5)))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("maximum");
  }

  @ContractTest
  void encryptionMismatchIsNamed() {
    WitClient mismatched = client(b -> b.encryption(!encryption()));
    assertThatThrownBy(() -> mismatched.connect(Duration.ofSeconds(5)))
        .isInstanceOf(WitSecurityException.class)
        .hasMessageContaining("encryption mismatch")
        .hasMessageContaining("client has encryption " + (encryption() ? "off" : "on"));
    assertThat(service.echo(7)).isEqualTo(7);
  }

  @ContractTest
  void callsBeforeConnectFailClearly() {
    WitClient unconnected = client(b -> {});
    assertThatThrownBy(() -> unconnected.service(TestService.class).echo(1))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("not connected");
  }

  @ContractTest
  void closeIsIdempotentAndLeavesNoThread() {
    service.addProgressListener(new Progress());
    assertThat(service.echoAsync("t").join()).isEqualTo("T");
    client.close();
    client.close();
    server.close();
    server.close();
    await("no witrpc thread left, still: " + witrpcThreads(), () -> witrpcThreads().isEmpty());
    assertThat(Collections.<String>emptyList()).isEqualTo(witrpcThreads());
  }
}
