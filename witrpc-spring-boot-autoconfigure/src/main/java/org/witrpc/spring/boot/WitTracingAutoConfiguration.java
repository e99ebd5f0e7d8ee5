package org.witrpc.spring.boot;

import io.opentelemetry.api.OpenTelemetry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.witrpc.client.WitClient;
import org.witrpc.opentelemetry.OpenTelemetryClientInterceptor;
import org.witrpc.opentelemetry.OpenTelemetryServerInterceptor;
import org.witrpc.server.WitServer;

/**
 * OpenTelemetry tracing for witrpc ({@code witrpc-opentelemetry}), when an {@link OpenTelemetry}
 * bean is there (Spring Boot's OpenTelemetry SDK, which Micrometer Tracing's OpenTelemetry bridge
 * shares, or the application's own) and {@code witrpc.tracing.enabled} is not false: a server span
 * per call served by the auto-configured server and a client span per call of every named client,
 * the trace context carried in the call's metadata. A bean of the same name defined by the
 * application replaces each.
 *
 * <p>Thread safety: Spring configuration, used during startup only.
 */
@AutoConfiguration(
    afterName =
        "org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration")
@ConditionalOnClass({OpenTelemetry.class, OpenTelemetryServerInterceptor.class})
@ConditionalOnBean(OpenTelemetry.class)
@ConditionalOnProperty(name = "witrpc.tracing.enabled", matchIfMissing = true)
public class WitTracingAutoConfiguration {
  /** Created by Spring. */
  public WitTracingAutoConfiguration() {}

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(WitServer.class)
  static class ServerTracing {
    @Bean
    @Order(ObservabilityOrder.TRACING)
    @ConditionalOnMissingBean(name = "witrpcServerTracingCustomizer")
    WitServerBuilderCustomizer witrpcServerTracingCustomizer(OpenTelemetry openTelemetry) {
      return builder -> builder.interceptor(new OpenTelemetryServerInterceptor(openTelemetry));
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(WitClient.class)
  static class ClientTracing {
    @Bean
    @Order(ObservabilityOrder.TRACING)
    @ConditionalOnMissingBean(name = "witrpcClientTracingCustomizer")
    WitClientBuilderCustomizer witrpcClientTracingCustomizer(OpenTelemetry openTelemetry) {
      return (name, builder) ->
          builder.interceptor(new OpenTelemetryClientInterceptor(openTelemetry));
    }
  }
}
