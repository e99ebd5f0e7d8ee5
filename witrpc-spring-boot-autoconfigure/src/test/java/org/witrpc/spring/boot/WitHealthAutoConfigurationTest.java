package org.witrpc.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.witrpc.ServerPing;
import org.witrpc.client.ConnectionState;
import org.witrpc.client.WitClient;
import org.witrpc.server.Dispatch;
import org.witrpc.server.WitServer;
import org.witrpc.testkit.Await;

class WitHealthAutoConfigurationTest {
  /** Runs each task on a daemon thread of its own. */
  private static final Executor OWN_THREAD =
      task -> {
        Thread t = new Thread(task, "health-test");
        t.setDaemon(true);
        t.start();
      };

  @Test
  void serverAndClientsAreUpWhenConnected() {
    String uri = TestNames.memUri();
    serverAndClient(uri)
        .run(
            context -> {
              Health server = serverHealth(context);
              assertThat(server.getStatus()).isEqualTo(Status.UP);
              assertThat(server.getDetails())
                  .containsEntry("uri", uri)
                  .containsEntry("accepting", true)
                  .containsEntry("connections", 1);
              Health client = clientHealth(context, "calc");
              assertThat(client.getStatus()).isEqualTo(Status.UP);
              assertThat(client.getDetails())
                  .containsEntry("state", "READY")
                  .containsEntry("uri", uri)
                  .doesNotContainKey("lastFailure");
            });
  }

  @Test
  void aClientWhoseServerDoesNotAnswerIsDownThoughConnected() {
    String uri = TestNames.memUri();
    serverAndClient(uri)
        .withBean(
            WitServerBuilderCustomizer.class,
            () -> b -> b.dispatch(Dispatch.INLINE)) // a call that waits holds its reader
        .withPropertyValues("witrpc.health.ping-timeout=200ms")
        .run(
            context -> {
              assertThat(clientHealth(context, "calc").getDetails())
                  .hasEntrySatisfying("ping", p -> assertThat(p.toString()).endsWith(" ms"));
              CalculatorImpl impl = context.getBean(CalculatorImpl.class);
              Calculator calc =
                  context.getBean(WitClients.class).client("calc").service(Calculator.class);
              CompletableFuture<String> held = CompletableFuture.supplyAsync(() -> calc.slow("x"));
              try {
                assertThat(impl.entered.await(10, TimeUnit.SECONDS)).isTrue();
                Health health = clientHealth(context, "calc");
                assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                assertThat(health.getDetails())
                    .containsEntry("state", "READY")
                    .containsEntry("ping", "no answer within 200 ms");
              } finally {
                impl.release.countDown();
              }
              assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo("x");
              assertThat(clientHealth(context, "calc").getStatus()).isEqualTo(Status.UP);
            });
  }

  @Test
  void oneReportPingsEveryClientsServerAtOnce() {
    String uri = TestNames.memUri();
    Map<String, List<Long>> pingsSent = new ConcurrentHashMap<>();
    Runners.witrpc()
        .withBean(CalculatorImpl.class)
        .withBean(WitServerBuilderCustomizer.class, () -> b -> b.dispatch(Dispatch.INLINE))
        .withBean(
            WitClientBuilderCustomizer.class,
            () ->
                (name, builder) ->
                    builder.interceptor(
                        chain -> {
                          if (chain.method().serviceName().equals(ServerPing.class.getName())) {
                            pingsSent
                                .computeIfAbsent(name, n -> new CopyOnWriteArrayList<>())
                                .add(System.nanoTime());
                          }
                          return chain.proceed();
                        }))
        .withPropertyValues(
            "witrpc.server.uri=" + uri,
            "witrpc.client.a.uri=" + uri,
            "witrpc.client.b.uri=" + uri,
            "witrpc.client.c.uri=" + uri,
            "witrpc.health.ping-timeout=300ms")
        .run(
            context -> {
              CalculatorImpl impl = context.getBean(CalculatorImpl.class);
              WitClients clients = context.getBean(WitClients.class);
              List<String> names = List.of("a", "b", "c");
              ExecutorService callers = Executors.newFixedThreadPool(names.size());
              try {
                for (String name : names) {
                  // each client's connection has its reader held by a waiting call
                  Calculator calc = clients.client(name).service(Calculator.class);
                  callers.execute(() -> calc.slow(name));
                  Await.until(
                      name + "'s call is sent", () -> clients.client(name).pendingCallCount() == 1);
                }
                long reportStart = System.nanoTime();
                for (String name : names) {
                  Health health = clientHealth(context, name);
                  assertThat(health.getStatus()).as(name).isEqualTo(Status.DOWN);
                  assertThat(health.getDetails()).containsEntry("ping", "no answer within 300 ms");
                  if (name.equals("a")) {
                    // a's report sent b's and c's pings, which their reports then take
                    long reportEnd = System.nanoTime();
                    for (String other : List.of("b", "c")) {
                      assertThat(pingsSent.get(other))
                          .singleElement()
                          .satisfies(t -> assertThat(t).isBetween(reportStart, reportEnd));
                    }
                  }
                }
                assertThat(pingsSent.values()).allSatisfy(sent -> assertThat(sent).hasSize(1));
                // pings no report takes are given up at their timeout all the same
                for (int i = 0; i < 3; i++) {
                  clientHealth(context, "a");
                }
                for (String name : List.of("b", "c")) {
                  Await.until(
                      name + "'s untaken pings are given up",
                      () -> clients.client(name).pendingCallCount() == 1);
                }
              } finally {
                impl.release.countDown();
                callers.shutdown();
              }
              for (String name : names) {
                Await.until(
                    name + " is UP again",
                    () -> clientHealth(context, name).getStatus().equals(Status.UP));
              }
            });
  }

  @Test
  void aReportTakesNoOtherReportsOldAnswer() {
    String uri = TestNames.memUri();
    Runners.witrpc()
        .withBean(CalculatorImpl.class)
        .withBean(WitServerBuilderCustomizer.class, () -> b -> b.dispatch(Dispatch.INLINE))
        .withPropertyValues(
            "witrpc.server.uri=" + uri,
            "witrpc.client.a.uri=" + uri,
            "witrpc.client.b.uri=" + uri,
            "witrpc.health.ping-timeout=10s")
        .run(
            context -> {
              CalculatorImpl impl = context.getBean(CalculatorImpl.class);
              WitClient b = context.getBean(WitClients.class).client("b");
              // a's report pings b too, and b answers at once
              assertThat(clientHealth(context, "a").getStatus()).isEqualTo(Status.UP);
              Await.until("b's ping is answered", () -> b.pendingCallCount() == 0);
              CompletableFuture<String> held =
                  CompletableFuture.supplyAsync(
                      () -> b.service(Calculator.class).slow("x"), OWN_THREAD);
              try {
                assertThat(impl.entered.await(10, TimeUnit.SECONDS)).isTrue();
                // a later report (after the fresh window) must ask b's server again
                LockSupport.parkNanos(2 * ServerPings.FRESH_NANOS);
                CompletableFuture<Health> report =
                    CompletableFuture.supplyAsync(() -> clientHealth(context, "b"), OWN_THREAD);
                Await.until("b's new ping is sent", () -> b.pendingCallCount() == 2);
                impl.release.countDown();
                assertThat(report.get(20, TimeUnit.SECONDS).getStatus()).isEqualTo(Status.UP);
              } finally {
                impl.release.countDown();
              }
              assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo("x");
            });
  }

  @Test
  void aPingTimeoutOfZeroTurnsThePingOffAndANegativeOneIsRefused() {
    String uri = TestNames.memUri();
    serverAndClient(uri)
        .withPropertyValues("witrpc.health.ping-timeout=0")
        .run(
            context ->
                assertThat(clientHealth(context, "calc").getDetails()).doesNotContainKey("ping"));
    serverAndClient(TestNames.memUri())
        .withPropertyValues("witrpc.health.ping-timeout=-1s")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .isInstanceOf(InvalidWitPropertyException.class)
                    .hasMessageContaining("witrpc.health.ping-timeout")
                    .hasMessageContaining("must be from 0 (no ping) to 1m"));
  }

  @Test
  void aClientThatLostItsServerIsDownWithTheFailure() {
    String uri = TestNames.memUri();
    serverAndClient(uri)
        .run(
            context -> {
              WitClient client = context.getBean(WitClients.class).client("calc");
              context.getBean(WitServer.class).close();
              Await.until(
                  "the client sees the loss", () -> client.state() == ConnectionState.DISCONNECTED);
              Await.until(
                  "the failure is recorded",
                  () -> clientHealth(context, "calc").getDetails().containsKey("lastFailure"));
              Health health = clientHealth(context, "calc");
              assertThat(health.getStatus()).isEqualTo(Status.DOWN);
              assertThat(health.getDetails()).containsEntry("state", "DISCONNECTED");
            });
  }

  @Test
  void aReconnectingClientIsOutOfService() {
    String uri = TestNames.memUri();
    serverAndClient(uri)
        .withPropertyValues(
            "witrpc.client.calc.reconnect.enabled=true",
            "witrpc.client.calc.reconnect.initial-delay=50ms",
            "witrpc.client.calc.reconnect.max-delay=200ms")
        .run(
            context -> {
              WitClient client = context.getBean(WitClients.class).client("calc");
              context.getBean(WitServer.class).close();
              Await.until(
                  "the client reconnects", () -> client.state() == ConnectionState.RECONNECTING);
              assertThat(clientHealth(context, "calc").getStatus())
                  .isEqualTo(Status.OUT_OF_SERVICE);
              assertThat(serverHealth(context).getStatus()).isEqualTo(Status.UP);
            });
  }

  @Test
  void aLazyClientIsUnknownBeforeItsFirstCall() {
    Runners.witrpc()
        .withPropertyValues(
            "witrpc.client.calc.uri=" + TestNames.memUri(), "witrpc.client.calc.connect=lazy")
        .run(
            context -> {
              assertThat(clientHealth(context, "calc").getStatus()).isEqualTo(Status.UNKNOWN);
              assertThat(context).doesNotHaveBean("witrpcServerHealthIndicator");
            });
  }

  @Test
  void noHealthWithoutBootsHealthSupportOrWhenDisabled() {
    String uri = TestNames.memUri();
    Runners.witrpc()
        .withClassLoader(new FilteredClassLoader(HealthIndicator.class))
        .withBean(CalculatorImpl.class)
        .withPropertyValues("witrpc.server.uri=" + uri, "witrpc.client.calc.uri=" + uri)
        .run(
            context ->
                assertThat(context)
                    .hasNotFailed()
                    .doesNotHaveBean("witrpcServerHealthIndicator")
                    .doesNotHaveBean("witrpcClientsHealthContributor"));
    String other = TestNames.memUri();
    serverAndClient(other)
        .withPropertyValues("management.health.witrpc.enabled=false")
        .run(
            context ->
                assertThat(context)
                    .hasNotFailed()
                    .doesNotHaveBean("witrpcServerHealthIndicator")
                    .doesNotHaveBean("witrpcClientsHealthContributor"));
  }

  @Test
  void anIndicatorOfTheApplicationReplacesOurs() {
    HealthIndicator mine = () -> Health.up().withDetail("mine", true).build();
    Runners.witrpc()
        .withBean(CalculatorImpl.class)
        .withBean("witrpcServerHealthIndicator", HealthIndicator.class, () -> mine)
        .withPropertyValues("witrpc.server.uri=" + TestNames.memUri())
        .run(context -> assertThat(serverHealth(context).getDetails()).containsKey("mine"));
  }

  private static ApplicationContextRunner serverAndClient(String uri) {
    return Runners.witrpc()
        .withBean(CalculatorImpl.class)
        .withPropertyValues("witrpc.server.uri=" + uri, "witrpc.client.calc.uri=" + uri);
  }

  private static Health serverHealth(ApplicationContext context) {
    return context.getBean("witrpcServerHealthIndicator", HealthIndicator.class).health();
  }

  private static Health clientHealth(ApplicationContext context, String name) {
    CompositeHealthContributor clients =
        context.getBean("witrpcClientsHealthContributor", CompositeHealthContributor.class);
    return ((HealthIndicator) clients.getContributor(name)).health();
  }
}
