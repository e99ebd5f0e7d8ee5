package org.witrpc.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.witrpc.testkit.Await;

class WitTracingAutoConfigurationTest {
  private final String uri = TestNames.memUri();
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetrySdk openTelemetry =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
          .build();

  @AfterEach
  void closeSdk() {
    openTelemetry.close();
  }

  /** witrpc's auto-configurations with tracing, a server and a client "calc". */
  private ApplicationContextRunner runner() {
    return Runners.witrpc()
        .withConfiguration(AutoConfigurations.of(WitTracingAutoConfiguration.class))
        .withBean(CalculatorImpl.class)
        .withPropertyValues("witrpc.server.uri=" + uri, "witrpc.client.calc.uri=" + uri);
  }

  @Test
  void aCallMakesAClientAndAServerSpanInOneTrace() {
    runner()
        .withBean(OpenTelemetry.class, () -> openTelemetry)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(add(context)).isEqualTo(42);
              Await.until("both spans end", () -> spans.getFinishedSpanItems().size() == 2);
              SpanData client = span(SpanKind.CLIENT);
              SpanData server = span(SpanKind.SERVER);
              assertThat(server.getTraceId()).isEqualTo(client.getTraceId());
              assertThat(server.getParentSpanId()).isEqualTo(client.getSpanId());
            });
  }

  @Test
  void nothingIsWiredWithoutAnOpenTelemetryBean() {
    runner()
        .run(
            context -> {
              assertNoTracingBeans(context);
              assertThat(add(context)).isEqualTo(42);
            });
  }

  @Test
  void theEnabledPropertyTurnsItOff() {
    runner()
        .withBean(OpenTelemetry.class, () -> openTelemetry)
        .withPropertyValues("witrpc.tracing.enabled=false")
        .run(
            context -> {
              assertNoTracingBeans(context);
              assertThat(add(context)).isEqualTo(42);
              assertThat(spans.getFinishedSpanItems()).isEmpty();
            });
  }

  @Test
  void aBeanOfTheSameNameReplacesEach() {
    runner()
        .withBean(OpenTelemetry.class, () -> openTelemetry)
        .withBean(
            "witrpcServerTracingCustomizer", WitServerBuilderCustomizer.class, () -> builder -> {})
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasBean("witrpcClientTracingCustomizer");
              assertThat(add(context)).isEqualTo(42);
              Await.until("the client span ends", () -> !spans.getFinishedSpanItems().isEmpty());
              assertThat(spans.getFinishedSpanItems())
                  .extracting(SpanData::getKind)
                  .containsExactly(SpanKind.CLIENT);
            });
  }

  @Test
  void tracingIsOutermostThenMetricsThenTheApplicationsCustomizers() {
    runner()
        .withConfiguration(AutoConfigurations.of(WitMetricsAutoConfiguration.class))
        .withBean(OpenTelemetry.class, () -> openTelemetry)
        .withBean(SimpleMeterRegistry.class)
        .withBean("appCustomizer", WitServerBuilderCustomizer.class, () -> builder -> {})
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBeanProvider(WitServerBuilderCustomizer.class).orderedStream())
                  .containsExactly(
                      context.getBean(
                          "witrpcServerTracingCustomizer", WitServerBuilderCustomizer.class),
                      context.getBean(
                          "witrpcServerMetricsCustomizer", WitServerBuilderCustomizer.class),
                      context.getBean("appCustomizer", WitServerBuilderCustomizer.class));
              assertThat(context.getBeanProvider(WitClientBuilderCustomizer.class).orderedStream())
                  .containsExactly(
                      context.getBean(
                          "witrpcClientTracingCustomizer", WitClientBuilderCustomizer.class),
                      context.getBean(
                          "witrpcClientMetricsCustomizer", WitClientBuilderCustomizer.class));
            });
  }

  private SpanData span(SpanKind kind) {
    List<SpanData> ofKind =
        spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == kind).toList();
    assertThat(ofKind).hasSize(1);
    return ofKind.get(0);
  }

  private static int add(ApplicationContext context) {
    return context.getBean(WitClients.class).service("calc", Calculator.class).add(20, 22);
  }

  private static void assertNoTracingBeans(AssertableApplicationContext context) {
    assertThat(context)
        .hasNotFailed()
        .doesNotHaveBean("witrpcServerTracingCustomizer")
        .doesNotHaveBean("witrpcClientTracingCustomizer");
  }
}
