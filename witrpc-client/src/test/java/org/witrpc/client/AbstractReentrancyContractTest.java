package org.witrpc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.witrpc.WitTransportException;
import org.witrpc.server.Dispatch;
import org.witrpc.server.WitServer;
import org.witrpc.testkit.StderrCapture;
import org.witrpc.testkit.TestService;

/**
 * What user code may do with witrpc while witrpc runs it (docs/THREADING.md, "User code on witrpc's
 * threads"), on every transport: a service method dispatched {@code INLINE} (as {@code AUTO} runs a
 * quick one) runs while its connection's reader delivers its request (on {@code mmf://} under the
 * connection's reader role), so it may call its own server through another client, block waiting
 * for another client, and close its server; it only holds up its own connection's later frames, so
 * it must not wait for a later call of its own client. A callback listener may close its client,
 * and so may a connection state listener. Each case that would hang under a wrong rule is bounded.
 */
public abstract class AbstractReentrancyContractTest extends RpcContractHarness {
  private static final Duration BOUND = Duration.ofSeconds(20);

  /** A service whose methods wait for, or call, witrpc. */
  public interface Reentry {
    /** Waits up to {@code millis} for {@link #open()}; true if it came. */
    boolean awaitOpen(long millis);

    void open();

    /** Echoes {@code value} through another client of this method's own server. */
    String echoThroughAnotherClient(String value);

    /** Closes this method's own server. */
    void closeServer();
  }

  /** Implements {@link Reentry} for one server. */
  static final class ReentryImpl implements Reentry {
    final CountDownLatch waiting = new CountDownLatch(1);
    final CountDownLatch opened = new CountDownLatch(1);
    final AtomicReference<WitClient> loopback = new AtomicReference<>();
    final AtomicReference<WitServer> server = new AtomicReference<>();
    final CountDownLatch serverClosed = new CountDownLatch(1);

    @Override
    public boolean awaitOpen(long millis) {
      waiting.countDown();
      try {
        return opened.await(millis, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }

    @Override
    public void open() {
      opened.countDown();
    }

    @Override
    public String echoThroughAnotherClient(String value) {
      return loopback.get().service(TestService.class).echo(value);
    }

    @Override
    public void closeServer() {
      server.get().close();
      serverClosed.countDown();
    }
  }

  private final ReentryImpl reentry = new ReentryImpl();
  private final ExecutorService callers = Executors.newCachedThreadPool();

  @AfterEach
  void stopCallers() {
    callers.shutdownNow();
  }

  /**
   * Replaces the default server with one that runs every request inline, serving {@link Reentry}.
   */
  private void startInlineServer() {
    server.close();
    server =
        startServer(b -> b.dispatch(Dispatch.INLINE).service(Reentry.class, reentry).maxClients(8));
    reentry.server.set(server);
  }

  private Reentry connectReentry() {
    return connect(b -> {}).service(Reentry.class);
  }

  /** Calls {@link Reentry#awaitOpen} through {@code c} and returns once it runs on the server. */
  private Future<Boolean> awaitOpenInline(WitClient c, long millis) throws InterruptedException {
    Future<Boolean> result = callers.submit(() -> c.service(Reentry.class).awaitOpen(millis));
    await(reentry.waiting, "the inline method is running");
    return result;
  }

  private static void await(CountDownLatch latch, String what) throws InterruptedException {
    assertThat(latch.await(BOUND.toMillis(), TimeUnit.MILLISECONDS)).as(what).isTrue();
  }

  @ContractTest
  void anInlineMethodMayCallItsOwnServerThroughAnotherClient() {
    startInlineServer();
    reentry.loopback.set(connect(b -> {}));
    Reentry r = connectReentry();
    assertTimeoutPreemptively(
        BOUND, () -> assertThat(r.echoThroughAnotherClient("round")).isEqualTo("round"));
  }

  @ContractTest
  void anInlineMethodMayBlockForAnotherClientWhileItsOwnClientsCallsWait() throws Exception {
    startInlineServer();
    WitClient a = connect(b -> {});
    Future<Boolean> blocked = awaitOpenInline(a, 60_000);
    // a second caller of the same client: its request waits behind the blocked method
    Future<String> queued = callers.submit(() -> a.service(TestService.class).echo("queued"));
    assertTimeoutPreemptively(
        BOUND,
        () -> {
          connectReentry().open(); // another connection is read meanwhile
          assertThat(blocked.get()).as("released by the other client").isTrue();
          assertThat(queued.get()).isEqualTo("queued");
        });
    assertThat(a.pendingCallCount()).isZero();
    assertThat(a.service(TestService.class).echo("after")).isEqualTo("after");
  }

  @ContractTest
  void anInlineMethodWaitingForALaterCallOfItsOwnClientWaitsInVain() throws Exception {
    startInlineServer();
    WitClient a = connect(b -> {});
    Future<Boolean> blocked = awaitOpenInline(a, 500);
    assertTimeoutPreemptively(
        BOUND,
        () -> {
          // sent while the method waits, but read only after it returned
          a.service(Reentry.class).open();
          assertThat(blocked.get()).as("open() arrived in time").isFalse();
        });
    assertThat(reentry.opened.getCount()).isZero();
  }

  @ContractTest
  void anInlineMethodMayCloseItsOwnServer() throws Exception {
    startInlineServer();
    Reentry r = connectReentry();
    assertTimeoutPreemptively(
        BOUND,
        () -> {
          assertThatThrownBy(r::closeServer).isInstanceOf(WitTransportException.class);
          await(reentry.serverClosed, "WitServer.close() returned in the method");
        });
  }

  @ContractTest
  void aCallbackListenerMayCloseItsClient() throws Exception {
    CountDownLatch closed = new CountDownLatch(1);
    try (StderrCapture log = StderrCapture.start()) {
      service.addProgressListener(
          (percent, stage) -> {
            client.close();
            closed.countDown();
          });
      // fired by another client: this client's own call could fail as it closes
      connect(b -> {}).service(TestService.class).startProcessing(1, "x");
      await(closed, "WitClient.close() returned in the listener");
      assertThat(client.state()).isEqualTo(ConnectionState.CLOSED);
      await(
          "the client's threads ended, still: " + witrpcThreads(),
          () -> witrpcThreads().stream().noneMatch(n -> n.startsWith("witrpc-callbacks-")));
      assertThat(log.text()).doesNotContain("listeners still running");
    }
  }

  @ContractTest
  void aStateListenerMayCloseItsClientWhenDisconnected() throws Exception {
    CountDownLatch closed = new CountDownLatch(1);
    AtomicBoolean closedOnce = new AtomicBoolean();
    client.onStateChange(
        (previous, current, cause) -> {
          if (current == ConnectionState.DISCONNECTED && closedOnce.compareAndSet(false, true)) {
            client.close();
            closed.countDown();
          }
        });
    server.close();
    await(closed, "WitClient.close() returned in the state listener");
    assertThat(client.state()).isEqualTo(ConnectionState.CLOSED);
  }
}
