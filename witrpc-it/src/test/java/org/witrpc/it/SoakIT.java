package org.witrpc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.witrpc.WitException;
import org.witrpc.client.ConnectionState;
import org.witrpc.client.ReconnectPolicy;
import org.witrpc.client.RetryPolicy;
import org.witrpc.client.WitClient;
import org.witrpc.testkit.Await;
import org.witrpc.testkit.ProgressListener;
import org.witrpc.testkit.TestService;

/**
 * A bounded soak over shared memory: 8 client threads (4 auto-reconnecting clients) call
 * continuously, a mix of small calls, 1 MiB payloads and callback bursts, while the server JVM is
 * restarted every 10 seconds (alternately kill -9 and graceful stop). Every reply is checked; every
 * failure must be a clean {@link WitException}; no thread may hang; afterwards this JVM's witrpc
 * threads and file descriptors and the runtime directory's files are back to their level before.
 * Duration: {@code -Dwitrpc.soak.seconds=N} (default 60).
 */
@DisplayName("soak: 8 client threads while the server restarts every 10 s (mmf)")
class SoakIT {
  private static final int SECONDS = Integer.getInteger("witrpc.soak.seconds", 60);
  private static final int CLIENTS = 4;
  private static final int THREADS_PER_CLIENT = 2;
  private static final Duration RESTART_EVERY = Duration.ofSeconds(10);

  @RegisterExtension static final CrossProcessHarness HARNESS = new CrossProcessHarness();

  private final List<WitClient> clients = new ArrayList<>();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong succeeded = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong wrong = new AtomicLong();
  private final AtomicLong events = new AtomicLong();
  private final AtomicLong eventsOutOfOrder = new AtomicLong();
  private final List<String> wrongSamples = new ArrayList<>();

  @BeforeAll
  static void namePrefix() {
    HARNESS.newPrefix("soak");
  }

  @AfterEach
  void closeClients() {
    clients.forEach(WitClient::close);
  }

  private WitClient client(String uri) {
    WitClient client =
        WitClient.builder()
            .transport(uri)
            .timeout(Duration.ofSeconds(5))
            .autoReconnect(
                ReconnectPolicy.exponential(Duration.ofMillis(20), Duration.ofMillis(500)))
            .retryPolicy(RetryPolicy.exponential(Duration.ofMillis(10), Duration.ofMillis(200)))
            .build();
    clients.add(client);
    return client.connect(Duration.ofSeconds(20));
  }

  @Test
  void callsSucceedOrFailCleanlyAndNothingLeaks() throws Exception {
    String uri = "mmf://" + HARNESS.prefix() + "?size=4MiB";
    int generation = 1;
    ServerProcess server =
        ServerProcess.start(HARNESS.children(), HARNESS.prefix() + "-server1", uri, "json");
    warmUp(uri);
    ProcessResources before = ProcessResources.measure();

    List<TestService> services = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      TestService service = client(uri).service(TestService.class);
      service.addProgressListener(orderChecking());
      services.add(service);
    }
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < CLIENTS * THREADS_PER_CLIENT; t++) {
      TestService service = services.get(t % CLIENTS);
      String id = "t" + t;
      Thread thread = new Thread(() -> callLoop(service, id, stop), "soak-" + id);
      thread.start();
      threads.add(thread);
    }

    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
    long nextRestart = System.nanoTime() + RESTART_EVERY.toNanos();
    while (System.nanoTime() - end < 0) {
      long until = Math.min(end, nextRestart);
      Await.until(
          "the next restart",
          Duration.ofSeconds(SECONDS + 10L),
          () -> System.nanoTime() - until >= 0);
      if (System.nanoTime() - nextRestart >= 0 && System.nanoTime() - end < 0) {
        if (generation % 2 == 1) {
          server.jvm().kill9();
        } else {
          server.jvm().close(); // graceful: GOODBYE to every client
        }
        generation++;
        server =
            ServerProcess.start(
                HARNESS.children(), HARNESS.prefix() + "-server" + generation, uri, "json");
        nextRestart = System.nanoTime() + RESTART_EVERY.toNanos();
      }
    }
    stop.set(true);
    for (Thread thread : threads) {
      thread.join(TimeUnit.SECONDS.toMillis(30));
      assertThat(thread.isAlive()).as("%s ended (no hang)", thread.getName()).isFalse();
    }
    System.out.printf(
        "soak (mmf, %d s, %d server starts): calls sent %d, succeeded %d, failed cleanly %d,"
            + " wrong %d; callbacks %d, out of order %d%n",
        SECONDS,
        generation,
        sent.get(),
        succeeded.get(),
        failed.get(),
        wrong.get(),
        events.get(),
        eventsOutOfOrder.get());

    assertThat(wrongSamples)
        .as("wrong replies, unclean failures, callbacks out of order")
        .isEmpty();
    assertThat(wrong).hasValue(0);
    assertThat(eventsOutOfOrder).hasValue(0);
    assertThat(succeeded.get()).isGreaterThan(sent.get() / 2);
    for (WitClient client : clients) {
      Await.until(
          "READY after the soak",
          Duration.ofSeconds(30),
          () -> client.state() == ConnectionState.READY);
    }
    assertThat(services.get(0).progressListenerCount()).isEqualTo(CLIENTS);
    long eventsBefore = events.get();
    services.get(0).startProcessing(1, "final");
    Await.until(
        "every client's listener fired after the last restart",
        Duration.ofSeconds(10),
        () -> events.get() >= eventsBefore + CLIENTS);

    clients.forEach(WitClient::close);
    server.jvm().close();
    Await.until(
        "witrpc threads and descriptors back to their level: before "
            + before
            + ", now "
            + ProcessResources.measure(),
        Duration.ofSeconds(20),
        () -> ProcessResources.measure().atMost(before));
    RuntimeFiles.awaitExactly(HARNESS.prefix(), java.util.Set.of());
  }

  /** A first client run, so that classes and lazily opened files count in the baseline. */
  private static void warmUp(String uri) {
    try (WitClient client =
        WitClient.builder()
            .transport(uri)
            .autoReconnect(
                ReconnectPolicy.exponential(Duration.ofMillis(20), Duration.ofMillis(500)))
            .build()
            .connect(Duration.ofSeconds(20))) {
      TestService service = client.service(TestService.class);
      service.echo("warm");
      service.echoBytes(new byte[1 << 20]);
      ProgressListener l = (p, s) -> {};
      service.addProgressListener(l);
      service.startProcessing(1, "warm");
      service.removeProgressListener(l);
    }
  }

  private ProgressListener orderChecking() {
    Map<String, Integer> lastByStage = new ConcurrentHashMap<>();
    return (percent, stage) -> {
      events.incrementAndGet();
      int last = lastByStage.getOrDefault(stage, 0);
      // a listener re-subscribed on a new server while another client's burst was under way
      // (TestServiceImpl fires step by step to the listeners it holds) joins that burst late; from
      // its first event on, the events must be consecutive
      if (last != 0 && percent != last + 1) {
        eventsOutOfOrder.incrementAndGet();
        record(
            "callback out of order: "
                + stage
                + " "
                + percent
                + " after "
                + last
                + " on "
                + Thread.currentThread().getName());
      }
      lastByStage.put(stage, percent);
    };
  }

  private void callLoop(TestService service, String id, AtomicBoolean stop) {
    byte[] big = new byte[1 << 20];
    for (long n = 0; !stop.get(); n++) {
      sent.incrementAndGet();
      int kind = (int) (n % 10);
      try {
        if (kind < 7) {
          String value = id + "-" + n;
          check(value.equals(service.echo(value)), "echo " + value);
        } else if (kind == 7) {
          ThreadLocalRandom.current().nextBytes(big);
          check(Arrays.equals(big, service.echoBytes(big)), "1 MiB echo");
        } else {
          service.startProcessing(3, id + "-" + n);
        }
        succeeded.incrementAndGet();
      } catch (WitException e) {
        failed.incrementAndGet();
      } catch (RuntimeException | Error e) {
        wrong.incrementAndGet();
        record(id + ": " + e);
      }
    }
  }

  private void check(boolean ok, String what) {
    if (!ok) {
      wrong.incrementAndGet();
      record("wrong reply: " + what);
    }
  }

  private synchronized void record(String sample) {
    if (wrongSamples.size() < 10) {
      wrongSamples.add(sample);
    }
  }
}
