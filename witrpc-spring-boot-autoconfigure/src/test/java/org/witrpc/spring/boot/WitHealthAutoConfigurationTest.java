package org.witrpc.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.witrpc.client.ConnectionState;
import org.witrpc.client.WitClient;
import org.witrpc.server.Dispatch;
import org.witrpc.server.WitServer;
import org.witrpc.testkit.Await;

class WitHealthAutoConfigurationTest {

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
    Runners.witrpc()
        .withBean(CalculatorImpl.class)
        .withBean(WitServerBuilderCustomizer.class, () -> b -> b.dispatch(Dispatch.INLINE))
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
              try {
                for (String name : names) {
                  // each client's connection has its reader held by a waiting call
                  Calculator calc = clients.client(name).service(Calculator.class);
                  CompletableFuture.runAsync(() -> calc.slow(name));
                  Await.until(
                      name + "'s call is sent", () -> clients.client(name).pendingCallCount() == 1);
                }
                assertThat(clientHealth(context, "a").getStatus()).isEqualTo(Status.DOWN);
                // a's report sent b's and c's pings too: theirs wait no second timeout
                assertThat(clients.client("b").pendingCallCount()).isEqualTo(2);
                assertThat(clients.client("c").pendingCallCount()).isEqualTo(2);
                for (String name : List.of("b", "c")) {
                  assertThat(clientHealth(context, name).getDetails())
                      .containsEntry("ping", "no answer within 300 ms");
                }
              } finally {
                impl.release.countDown();
              }
              for (String name : names) {
                Await.until(
                    name + " is UP again",
                    () -> clientHealth(context, name).getStatus().equals(Status.UP));
              }
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
