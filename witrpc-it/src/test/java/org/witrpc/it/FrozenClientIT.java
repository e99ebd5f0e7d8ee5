package org.witrpc.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;
import org.witrpc.client.WitClient;
import org.witrpc.server.WitServer;
import org.witrpc.testkit.Await;
import org.witrpc.testkit.Signals;
import org.witrpc.testkit.TestService;
import org.witrpc.testkit.TestServiceImpl;

/**
 * A client JVM frozen with SIGSTOP while the server sends it events: the server (in this JVM)
 * disconnects it after the send timeout, the method that fires the events finishes, the other
 * subscriber gets every event in order, and {@code close(grace)} returns within the grace plus a
 * small bound even while a frozen client is connected and a sender is stuck on it.
 */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"pipe", "mmf"})
@DisplayName("a client frozen with SIGSTOP")
class FrozenClientIT {
  private static final Duration AWAIT = Duration.ofSeconds(30);
  private static final int EVENTS = 2_000;
  private static final int FIRING_CALLS = 80;

  /** 4 KiB per event: a few hundred fill any socket buffer or ring of the frozen client. */
  private static final String STAGE = "s".repeat(4096);

  @RegisterExtension static final CrossProcessHarness HARNESS = new CrossProcessHarness();

  @Parameter String transport;

  @BeforeParameterizedClassInvocation
  static void namePrefix(String transport) {
    HARNESS.newPrefix("z" + transport.charAt(0));
  }

  private WitServer startServer(String name, TestServiceImpl impl, Duration sendTimeout) {
    return WitServer.builder()
        .service(TestService.class, impl)
        .transport(ServerProcess.uri(transport, HARNESS.prefix() + "-" + name))
        .sendTimeout(sendTimeout)
        .build()
        .start();
  }

  private ChildJvm frozenSubscriber(WitServer server) throws Exception {
    ChildJvm subscriber =
        HARNESS
            .children()
            .start(
                HARNESS.prefix() + "-subscriber",
                ChildJvms.SHORT_LIVED,
                SubscriberMain.class,
                server.address(),
                "json",
                "3");
    subscriber.awaitLine("SUBSCRIBED 3", ServerProcess.STARTUP);
    Signals.stop(subscriber.pid());
    return subscriber;
  }

  @Test
  void isDisconnectedAfterTheSendTimeoutAndTheOthersGoOn() throws Exception {
    TestServiceImpl impl = new TestServiceImpl();
    try (WitServer server = startServer("1", impl, Duration.ofSeconds(1));
        WitClient client =
            WitClient.builder()
                .transport(server.address())
                .timeout(Duration.ofSeconds(60))
                .build()
                .connect(Duration.ofSeconds(10))) {
      TestService survivor = client.service(TestService.class);
      AtomicInteger received = new AtomicInteger();
      AtomicInteger outOfOrder = new AtomicInteger();
      survivor.addProgressListener(
          (percent, stage) -> {
            if (percent != received.incrementAndGet()) {
              outOfOrder.incrementAndGet();
            }
          });
      ChildJvm frozen = frozenSubscriber(server);
      try {
        long start = System.nanoTime();
        CompletableFuture<Long> disconnected =
            CompletableFuture.supplyAsync(
                () -> {
                  Await.until(
                      "the frozen client is disconnected",
                      AWAIT,
                      () -> server.connectionCount() == 1);
                  return System.nanoTime();
                });
        survivor.startProcessing(EVENTS, STAGE);
        long firedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        long disconnectMillis =
            TimeUnit.NANOSECONDS.toMillis(disconnected.get(60, TimeUnit.SECONDS) - start);
        System.out.printf(
            "%s: frozen client disconnected %d ms after the events began (send timeout 1000 ms);"
                + " firing %d events to it and one other took %d ms%n",
            transport, disconnectMillis, EVENTS, firedMillis);
        assertThat(disconnectMillis)
            .as("ms until the frozen client is dropped")
            .isLessThan(20_000L);
        assertThat(firedMillis).as("ms the firing method took").isLessThan(20_000L);

        Await.until("every event arrived", AWAIT, () -> received.get() == EVENTS);
        assertThat(outOfOrder).hasValue(0);
        Await.until(
            "the frozen client's listeners are removed",
            AWAIT,
            () -> survivor.progressListenerCount() == 1);
        assertThat(survivor.echo("still served")).isEqualTo("still served");
      } finally {
        Signals.send("CONT", frozen.pid());
      }
    }
  }

  @Test
  void holdsNoServerThreadSoOtherClientsAreServedAtOnce() throws Exception {
    TestServiceImpl impl = new TestServiceImpl();
    // a long send timeout: only the outbound queue can keep the server's threads free here
    try (WitServer server = startServer("3", impl, Duration.ofSeconds(60));
        WitClient firing =
            WitClient.builder()
                .transport(server.address())
                .timeout(Duration.ofSeconds(60))
                .build()
                .connect(Duration.ofSeconds(10));
        WitClient other =
            WitClient.builder()
                .transport(server.address())
                .timeout(Duration.ofSeconds(60))
                .build()
                .connect(Duration.ofSeconds(10))) {
      ChildJvm frozen = frozenSubscriber(server);
      ExecutorService callers = Executors.newFixedThreadPool(FIRING_CALLS);
      try {
        TestService service = firing.service(TestService.class);
        // more concurrent event-firing calls than the server's fallback pool has threads (64)
        List<Future<?>> calls = new ArrayList<>();
        for (int i = 0; i < FIRING_CALLS; i++) {
          calls.add(callers.submit(() -> service.startProcessing(50, STAGE)));
        }
        long start = System.nanoTime();
        assertThat(other.service(TestService.class).echo("served")).isEqualTo("served");
        long echoMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.printf(
            "%s: while %d calls fired events to a frozen client, another client's call took %d"
                + " ms%n",
            transport, FIRING_CALLS, echoMillis);
        assertThat(echoMillis).as("ms for another client's call").isLessThan(5_000L);
        for (Future<?> call : calls) {
          call.get(30, TimeUnit.SECONDS);
        }
        assertThat(server.connectionCount())
            .as("the frozen client is still connected")
            .isEqualTo(3);
      } finally {
        callers.shutdownNow();
        Signals.send("CONT", frozen.pid());
      }
    }
  }

  @Test
  void closeReturnsWithinTheGraceWhileASenderIsStuckOnIt() throws Exception {
    TestServiceImpl impl = new TestServiceImpl();
    // a long send timeout: the frozen client stays connected for the whole test
    WitServer server = startServer("2", impl, Duration.ofSeconds(60));
    ChildJvm frozen = null;
    Thread firing = null;
    try {
      frozen = frozenSubscriber(server);
      firing = new Thread(() -> impl.startProcessing(EVENTS, STAGE), "test-firing");
      firing.setDaemon(true);
      firing.start();
      Thread stuck = firing;
      Await.until("the firing thread waits for the frozen client", AWAIT, () -> waitsToSend(stuck));

      long start = System.nanoTime();
      assertTimeoutPreemptively(Duration.ofSeconds(30), () -> server.close(Duration.ofSeconds(1)));
      long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      System.out.printf(
          "%s: close(1 s) with a frozen client and a sender stuck on it took %d ms%n",
          transport, closeMillis);
      assertThat(closeMillis).as("ms close(1 s) took").isLessThan(5_000L);
      firing.join(TimeUnit.SECONDS.toMillis(10));
      assertThat(firing.isAlive()).as("the firing method still stuck after close").isFalse();
    } finally {
      server.close();
      if (frozen != null) {
        Signals.send("CONT", frozen.pid());
      }
    }
  }

  /** True if {@code thread} waits in a transport for a peer to take its bytes. */
  private static boolean waitsToSend(Thread thread) {
    for (StackTraceElement frame : thread.getStackTrace()) {
      String method = frame.getMethodName();
      if (method.equals("awaitWritable") || method.equals("awaitFree")) {
        return true;
      }
    }
    return false;
  }
}
