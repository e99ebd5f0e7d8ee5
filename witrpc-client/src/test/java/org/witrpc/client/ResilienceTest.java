package org.witrpc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.witrpc.Idempotent;
import org.witrpc.Listener;
import org.witrpc.WitTimeoutException;
import org.witrpc.WitTransportException;
import org.witrpc.server.WitServer;

/**
 * Connection states, auto-reconnect with re-subscription, retries, deadlines, and the server's
 * stopAccepting / graceful close, over the in-memory transport.
 */
class ResilienceTest {
  private static final AtomicInteger NAMES = new AtomicInteger();

  /** A small service with a listener, a slow method and an idempotent method. */
  public interface Ticker {
    int next();

    @Idempotent
    int idempotentNext();

    String slow(String value, long millis);

    void addTickListener(TickListener l);

    void removeTickListener(TickListener l);

    void tick(int n);
  }

  /** Receives ticks. */
  @Listener
  public interface TickListener {
    void onTick(int n);
  }

  /** Counts calls; a slow call holds a latch. */
  static class TickerImpl implements Ticker {
    final AtomicInteger calls = new AtomicInteger();
    final List<TickListener> listeners = new CopyOnWriteArrayList<>();
    final CountDownLatch slowStarted = new CountDownLatch(1);

    @Override
    public int next() {
      return calls.incrementAndGet();
    }

    @Override
    public int idempotentNext() {
      return calls.incrementAndGet();
    }

    @Override
    public String slow(String value, long millis) {
      slowStarted.countDown();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis)); // simulated work
      return value;
    }

    @Override
    public void addTickListener(TickListener l) {
      listeners.add(l);
    }

    @Override
    public void removeTickListener(TickListener l) {
      listeners.remove(l);
    }

    @Override
    public void tick(int n) {
      listeners.forEach(l -> l.onTick(n));
    }
  }

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final String uri = "mem://resilience-" + NAMES.incrementAndGet();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private WitServer server(TickerImpl impl) {
    return server(impl, b -> {});
  }

  private WitServer server(TickerImpl impl, Consumer<WitServer.Builder> config) {
    WitServer.Builder b = WitServer.builder().service(Ticker.class, impl).transport(uri);
    config.accept(b);
    WitServer server = b.build();
    closeables.add(server);
    return server.start();
  }

  private WitClient client(WitClient.Builder b) {
    WitClient client = b.transport(uri).build();
    closeables.add(client);
    return client;
  }

  private static ReconnectPolicy fast() {
    return ReconnectPolicy.exponential(Duration.ofMillis(5), Duration.ofMillis(50));
  }

  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
    }
  }

  /** Closes {@code first}, serves a new implementation in its place, waits for the client. */
  private TickerImpl restart(WitServer first, WitClient client) {
    return restart(first, client, b -> {});
  }

  /** As {@link #restart(WitServer, WitClient)}, the new server configured further. */
  private TickerImpl restart(
      WitServer first, WitClient client, Consumer<WitServer.Builder> config) {
    first.close();
    await("reconnecting", () -> client.state() != ConnectionState.READY);
    TickerImpl second = new TickerImpl();
    server(second, config);
    await("ready again", () -> client.state() == ConnectionState.READY);
    return second;
  }

  /**
   * A subscription the new server refuses on reconnect (its limit is lower, say) is forgotten, with
   * a warning: removing its listener is then the no-op the javadoc promises (it was a 400 for a
   * subscription the server never had), and the next reconnect does not repeat it.
   */
  @Test
  void aSubscriptionRefusedOnReconnectIsForgotten() {
    WitServer first = server(new TickerImpl());
    WitClient client = client(WitClient.builder().autoReconnect(fast()));
    client.connect(Duration.ofSeconds(5));
    Ticker ticker = client.service(Ticker.class);
    List<Integer> kept = new CopyOnWriteArrayList<>();
    TickListener keptListener = kept::add;
    TickListener refused = n -> {};
    ticker.addTickListener(keptListener);
    ticker.addTickListener(refused);

    TickerImpl second = restart(first, client, b -> b.maxSubscriptionsPerConnection(1));

    assertThat(second.listeners).hasSize(1);
    ticker.removeTickListener(refused); // no subscription: nothing to remove, no error
    ticker.tick(7);
    await("the kept listener's tick", () -> kept.contains(7));
    ticker.removeTickListener(keptListener);
    assertThat(second.listeners).isEmpty();
  }

  /** A dynamic subscription refused on reconnect closes as a no-op, not with the server's 400. */
  @Test
  void aDynamicSubscriptionRefusedOnReconnectClosesQuietly() {
    WitServer first = server(new TickerImpl());
    WitClient client = client(WitClient.builder().autoReconnect(fast()));
    client.connect(Duration.ofSeconds(5));
    client.service(Ticker.class).addTickListener(n -> {});
    DynamicSubscription refused =
        client.dynamic().subscribe(Ticker.class.getName(), "addTickListener", (m, a) -> {});

    restart(first, client, b -> b.maxSubscriptionsPerConnection(1));

    refused.close(); // the server never had it: nothing to undo, no 400
  }

  /**
   * A re-subscription that fails for a passing reason (here the add method throws: a 500) is kept
   * and repeated on the next connection, where it succeeds.
   */
  @Test
  void aSubscriptionThatFailsForAPassingReasonIsRepeatedOnTheNextReconnect() {
    WitServer first = server(new TickerImpl());
    WitClient client = client(WitClient.builder().autoReconnect(fast()));
    client.connect(Duration.ofSeconds(5));
    Ticker ticker = client.service(Ticker.class);
    List<Integer> ticks = new CopyOnWriteArrayList<>();
    ticker.addTickListener(ticks::add);

    first.close();
    await("reconnecting", () -> client.state() != ConnectionState.READY);
    WitServer failing =
        server(
            new TickerImpl() {
              @Override
              public void addTickListener(TickListener l) {
                throw new IllegalStateException("not now");
              }
            });
    await("ready on the failing server", () -> client.state() == ConnectionState.READY);
    TickerImpl third = restart(failing, client);

    assertThat(third.listeners).hasSize(1);
    ticker.tick(5);
    await("the tick", () -> ticks.contains(5));
  }

  @Test
  void aDynamicSubscriptionIsRepeatedAfterAReconnect() {
    WitServer first = server(new TickerImpl());
    WitClient client = client(WitClient.builder().autoReconnect(fast()));
    client.connect(Duration.ofSeconds(5));
    List<String> ticks = new CopyOnWriteArrayList<>();
    DynamicSubscription sub =
        client
            .dynamic()
            .subscribe(Ticker.class.getName(), "addTickListener", (m, a) -> ticks.add(m + a));
    client.service(Ticker.class).tick(1);
    await("first tick", () -> ticks.size() == 1);

    TickerImpl second = restart(first, client);

    assertThat(second.listeners).hasSize(1);
    client.service(Ticker.class).tick(2);
    await("second tick", () -> ticks.size() == 2);
    assertThat(ticks).containsExactly("onTick[1]", "onTick[2]");
    sub.close();
    assertThat(second.listeners).isEmpty();
  }

  @Test
  void reconnectsAfterARestartResubscribesListenersAndKeepsTheProxy() {
    WitServer first = server(new TickerImpl());
    List<String> changes = new CopyOnWriteArrayList<>();
    WitClient client = client(WitClient.builder().autoReconnect(fast()));
    client.onStateChange(
        (from, to, cause) ->
            changes.add(from + "->" + to + cause.map(c -> " (" + c.getMessage() + ")").orElse("")));
    client.connect(Duration.ofSeconds(5));
    Ticker ticker = client.service(Ticker.class);
    List<Integer> ticks = new CopyOnWriteArrayList<>();
    ticker.addTickListener(ticks::add);
    ticker.tick(1);
    await("first tick", () -> ticks.size() == 1);

    TickerImpl second = restart(first, client);

    assertThat(second.listeners).hasSize(1);
    assertThat(ticker.next()).isEqualTo(1);
    ticker.tick(2);
    await("second tick", () -> ticks.size() == 2);
    assertThat(ticks).containsExactly(1, 2);
    await("state changes reported", () -> changes.size() >= 4);
    assertThat(changes.get(0)).isEqualTo("DISCONNECTED->CONNECTING");
    assertThat(changes.get(1)).isEqualTo("CONNECTING->READY");
    assertThat(changes.get(2)).startsWith("READY->RECONNECTING").contains("server closed");
    assertThat(changes.get(changes.size() - 1)).isEqualTo("RECONNECTING->READY");
  }

  @Test
  void callsWhileReconnectingWaitForReadyThenFailClearly() {
    WitServer first = server(new TickerImpl());
    WitClient client =
        // The timeout bounds both the failing call and the server's restart plus the reconnect
        // that the waiting call rides on: long enough for the latter on a loaded machine.
        client(WitClient.builder().autoReconnect(fast()).timeout(Duration.ofSeconds(2)));
    Ticker ticker = client.connect(Duration.ofSeconds(5)).service(Ticker.class);
    first.close();
    await("reconnecting", () -> client.state() == ConnectionState.RECONNECTING);
    assertThatThrownBy(ticker::next)
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("Ticker.next()")
        .hasMessageContaining("RECONNECTING");

    CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(ticker::next);
    server(new TickerImpl());
    assertThat(waiting.join()).isEqualTo(1);
  }

  @Test
  void maxAttemptsGivesFailedAndCloseStopsReconnecting() {
    WitServer only = server(new TickerImpl());
    WitClient client = client(WitClient.builder().autoReconnect(fast().maxAttempts(3)));
    Ticker ticker = client.connect(Duration.ofSeconds(5)).service(Ticker.class);
    only.close();
    await("failed", () -> client.state() == ConnectionState.FAILED);
    assertThatThrownBy(ticker::next).hasMessageContaining("gave up reconnecting");

    WitServer again = server(new TickerImpl());
    WitClient other =
        client(
            WitClient.builder()
                .autoReconnect(
                    ReconnectPolicy.exponential(Duration.ofSeconds(30), Duration.ofSeconds(30))));
    other.connect(Duration.ofSeconds(5));
    again.close();
    await("reconnecting", () -> other.state() == ConnectionState.RECONNECTING);
    long start = System.nanoTime();
    other.close();
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
    assertThat(other.state()).isEqualTo(ConnectionState.CLOSED);
    await(
        "no reconnect thread",
        () ->
            Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("witrpc-client-reconnect")));
  }

  @Test
  void stopAcceptingRefusesNewClientsButKeepsConnectedOnes() {
    WitServer server = server(new TickerImpl());
    Ticker connected =
        client(WitClient.builder()).connect(Duration.ofSeconds(5)).service(Ticker.class);
    server.stopAccepting();
    WitClient refused = client(WitClient.builder());
    assertThatThrownBy(() -> refused.connect(Duration.ofSeconds(5)))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("server is not accepting connections");
    assertThat(connected.next()).isEqualTo(1);
    assertThat(refused.state()).isEqualTo(ConnectionState.DISCONNECTED);
    server.startAccepting();
    assertThat(refused.connect(Duration.ofSeconds(5)).service(Ticker.class).next()).isEqualTo(2);
  }

  @Test
  void gracefulCloseLetsInFlightCallsFinishAndNamesTheReason() throws Exception {
    TickerImpl impl = new TickerImpl();
    WitServer server = server(impl);
    WitClient client = client(WitClient.builder());
    Ticker ticker = client.connect(Duration.ofSeconds(5)).service(Ticker.class);
    CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> ticker.slow("done", 300));
    assertThat(impl.slowStarted.await(5, TimeUnit.SECONDS)).isTrue();
    server.close(Duration.ofSeconds(5));
    assertThat(slow.join()).isEqualTo("done");
    await("disconnected", () -> client.state() == ConnectionState.DISCONNECTED);
    assertThatThrownBy(ticker::next).hasMessageContaining("server closed");
  }

  @Test
  void aCallWhoseDeadlinePassedIsNotStartedAndReportsATimeout() {
    TickerImpl impl = new TickerImpl();
    WitServer server =
        WitServer.builder()
            .service(Ticker.class, impl)
            .transport(uri)
            .executor(
                r -> {
                  // every request waits 200 ms in this executor's "queue", past its deadline
                  Thread t =
                      new Thread(
                          () -> {
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
                            r.run();
                          },
                          "witrpc-test-late");
                  t.setDaemon(true);
                  t.start();
                })
            .dispatch(org.witrpc.server.Dispatch.EXECUTOR)
            .build()
            .start();
    closeables.add(server);
    Ticker ticker =
        client(WitClient.builder().timeout(Duration.ofMillis(100)))
            .connect(Duration.ofSeconds(5))
            .service(Ticker.class);
    assertThatThrownBy(ticker::next).isInstanceOf(WitTimeoutException.class);
    await("the late request was answered", () -> server.connectionCount() == 1);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(400);
    while (System.nanoTime() < deadline) {
      Thread.onSpinWait(); // let the late executor reach the call: it must not start it
    }
    assertThat(impl.calls).hasValue(0);
  }

  @Test
  void idempotentCallsAreRetriedAcrossAReconnectOthersAreNot() {
    TickerImpl impl = new TickerImpl();
    WitServer first = server(impl);
    WitClient client =
        client(
            WitClient.builder()
                .autoReconnect(fast())
                .retryPolicy(RetryPolicy.exponential(Duration.ofMillis(5), Duration.ofMillis(20)))
                .timeout(Duration.ofSeconds(5)));
    Ticker ticker = client.connect(Duration.ofSeconds(5)).service(Ticker.class);
    CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> ticker.slow("x", 2000));
    // running on the server, not just sent: a request still on its way would be answered 503
    await("slow call in flight", () -> impl.slowStarted.getCount() == 0);
    first.close();
    assertThatThrownBy(slow::join).hasCauseInstanceOf(WitTransportException.class);
    server(new TickerImpl());
    // not in flight when the connection dropped: waits for READY and succeeds
    assertThat(ticker.idempotentNext()).isEqualTo(1);
    assertThat(RetryPolicyDecisions.retriesIdempotentTransportFailure()).isTrue();
  }
}
