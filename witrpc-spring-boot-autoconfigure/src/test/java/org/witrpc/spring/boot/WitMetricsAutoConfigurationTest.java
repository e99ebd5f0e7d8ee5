package org.witrpc.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.witrpc.server.WitServer;
import org.witrpc.testkit.Await;

class WitMetricsAutoConfigurationTest {
  private final String uri = TestNames.memUri();

  /** witrpc's auto-configurations, Boot's metrics ones, a server and a client "calc". */
  private ApplicationContextRunner runner() {
    return serverRunner()
        .withPropertyValues("witrpc.server.uri=" + uri, "witrpc.client.calc.uri=" + uri);
  }

  /** witrpc's auto-configurations, Boot's metrics ones and a service; no address yet. */
  private static ApplicationContextRunner serverRunner() {
    return Runners.witrpc()
        .withConfiguration(
            AutoConfigurations.of(
                WitMetricsAutoConfiguration.class,
                MetricsAutoConfiguration.class,
                CompositeMeterRegistryAutoConfiguration.class))
        .withBean(CalculatorImpl.class);
  }

  @Test
  void aCallIsMeteredOnBothSidesWithTheApplicationsRegistry() {
    runner()
        .withBean(SimpleMeterRegistry.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              MeterRegistry registry = context.getBean(MeterRegistry.class);
              assertThat(add(context)).isEqualTo(42);

              assertThat(callTimer(registry, "witrpc.client.calls").count()).isEqualTo(1);
              Await.until(
                  "the server timer records the call",
                  () -> callTimer(registry, "witrpc.server.calls").count() == 1);
              assertThat(registry.get("witrpc.server.connections").gauge().value()).isEqualTo(1);
              assertThat(
                      registry
                          .get("witrpc.client.connection.state")
                          .tags("client", "calc", "state", "READY")
                          .gauge()
                          .value())
                  .isEqualTo(1);
            });
  }

  @Test
  void theServersAndClientsGaugesAreRemovedWhenTheContextCloses() {
    runner()
        .withBean(SimpleMeterRegistry.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              MeterRegistry registry = context.getBean(MeterRegistry.class);
              assertThat(add(context)).isEqualTo(42);
              assertThat(registry.find("witrpc.server.connections").gauges()).hasSize(1);
              assertThat(registry.find("witrpc.client.calls.pending").gauges()).hasSize(1);

              context.close();

              assertThat(registry.find("witrpc.server.connections").gauges()).isEmpty();
              Await.until(
                  "the closed client's gauges are removed",
                  () -> registry.find("witrpc.client.calls.pending").gauges().isEmpty());
            });
  }

  @Test
  void aServerOnPortZeroIsTaggedWithThePortItGot() {
    serverRunner()
        .withBean(SimpleMeterRegistry.class)
        .withPropertyValues("witrpc.server.uri=tcp://127.0.0.1:0")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              String address = context.getBean(WitServer.class).address();
              assertThat(address).startsWith("tcp://127.0.0.1:").doesNotEndWith(":0");
              assertThat(context.getBean(WitServerLifecycle.class).uri())
                  .as("what the health details show")
                  .isEqualTo(address);
              MeterRegistry registry = context.getBean(MeterRegistry.class);
              for (String name :
                  new String[] {
                    "witrpc.server.connections", "witrpc.server.sent", "witrpc.server.received"
                  }) {
                assertThat(registry.find(name).meters())
                    .as(name)
                    .singleElement()
                    .satisfies(m -> assertThat(m.getId().getTag("address")).isEqualTo(address));
              }
            });
  }

  @Test
  void eachNamedClientsCallMetersAreTaggedWithItsName() {
    runner()
        .withBean(SimpleMeterRegistry.class)
        .withPropertyValues("witrpc.client.calc2.uri=" + uri)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              MeterRegistry registry = context.getBean(MeterRegistry.class);
              WitClients clients = context.getBean(WitClients.class);
              assertThat(add(context)).isEqualTo(42);
              assertThat(clients.service("calc2", Calculator.class).add(1, 2)).isEqualTo(3);
              assertThat(clients.service("calc2", Calculator.class).add(3, 4)).isEqualTo(7);

              assertThat(clientCallTimer(registry, "calc").count()).isEqualTo(1);
              assertThat(clientCallTimer(registry, "calc2").count()).isEqualTo(2);
              for (String client : new String[] {"calc", "calc2"}) {
                assertThat(
                        registry
                            .get("witrpc.client.calls.active")
                            .tags("client", client, "method", "add")
                            .gauge()
                            .value())
                    .as("client %s's calls in flight", client)
                    .isZero();
              }
            });
  }

  @Test
  void theRegistryOfBootsSimpleExportIsUsed() {
    runner()
        .withConfiguration(AutoConfigurations.of(SimpleMetricsExportAutoConfiguration.class))
        .run(
            context -> {
              assertThat(context)
                  .hasNotFailed()
                  .hasBean("witrpcServerMetricsCustomizer")
                  .hasBean("witrpcClientMetricsCustomizer");
              assertThat(add(context)).isEqualTo(42);
              assertThat(
                      callTimer(context.getBean(MeterRegistry.class), "witrpc.client.calls")
                          .count())
                  .isEqualTo(1);
            });
  }

  @Test
  void nothingIsWiredWithoutAMeterRegistry() {
    Runners.witrpc()
        .withConfiguration(AutoConfigurations.of(WitMetricsAutoConfiguration.class))
        .withBean(CalculatorImpl.class)
        .withPropertyValues("witrpc.server.uri=" + uri, "witrpc.client.calc.uri=" + uri)
        .run(
            context -> {
              assertNoMetricsBeans(context);
              assertThat(add(context)).isEqualTo(42);
            });
  }

  @Test
  void theEnabledPropertyTurnsItOff() {
    runner()
        .withBean(SimpleMeterRegistry.class)
        .withPropertyValues("witrpc.metrics.enabled=false")
        .run(
            context -> {
              assertNoMetricsBeans(context);
              assertThat(add(context)).isEqualTo(42);
              assertThat(context.getBean(MeterRegistry.class).find("witrpc.client.calls").meter())
                  .isNull();
            });
  }

  @Test
  void aBeanOfTheSameNameReplacesEach() {
    runner()
        .withBean(SimpleMeterRegistry.class)
        .withBean(
            "witrpcClientMetricsCustomizer",
            WitClientBuilderCustomizer.class,
            () -> (name, builder) -> {})
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasBean("witrpcServerMetricsCustomizer");
              MeterRegistry registry = context.getBean(MeterRegistry.class);
              assertThat(add(context)).isEqualTo(42);
              Await.until(
                  "the server timer records the call",
                  () -> registry.find("witrpc.server.calls").timer() != null);
              assertThat(registry.find("witrpc.client.calls").meter()).isNull();
            });
  }

  @Test
  void withoutMicrometerOrOpenTelemetryOnTheClassPathNothingFails() {
    Runners.witrpc()
        .withConfiguration(
            AutoConfigurations.of(
                WitMetricsAutoConfiguration.class, WitTracingAutoConfiguration.class))
        .withClassLoader(new FilteredClassLoader("io.micrometer", "io.opentelemetry"))
        .withBean(CalculatorImpl.class)
        .withPropertyValues("witrpc.server.uri=" + uri, "witrpc.client.calc.uri=" + uri)
        .run(
            context -> {
              assertNoMetricsBeans(context);
              assertThat(context)
                  .doesNotHaveBean("witrpcServerTracingCustomizer")
                  .doesNotHaveBean("witrpcClientTracingCustomizer");
              assertThat(add(context)).isEqualTo(42);
            });
  }

  private static int add(ApplicationContext context) {
    return context.getBean(WitClients.class).service("calc", Calculator.class).add(20, 22);
  }

  private static Timer callTimer(MeterRegistry registry, String name) {
    return registry.get(name).tags("method", "add", "outcome", "OK").timer();
  }

  private static Timer clientCallTimer(MeterRegistry registry, String client) {
    return registry
        .get("witrpc.client.calls")
        .tags("client", client, "method", "add", "outcome", "OK")
        .timer();
  }

  private static void assertNoMetricsBeans(AssertableApplicationContext context) {
    assertThat(context)
        .hasNotFailed()
        .doesNotHaveBean("witrpcServerMetricsCustomizer")
        .doesNotHaveBean("witrpcClientMetricsCustomizer")
        .doesNotHaveBean("witrpcServerMetrics")
        .doesNotHaveBean("witrpcClientMetrics");
  }
}
