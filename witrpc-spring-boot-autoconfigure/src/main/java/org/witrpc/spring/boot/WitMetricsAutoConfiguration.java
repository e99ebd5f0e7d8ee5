package org.witrpc.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.witrpc.client.WitClient;
import org.witrpc.micrometer.MicrometerClientInterceptor;
import org.witrpc.micrometer.MicrometerServerInterceptor;
import org.witrpc.micrometer.WitClientMetrics;
import org.witrpc.server.WitServer;

/**
 * Micrometer metrics for witrpc ({@code witrpc-micrometer}), when a {@link MeterRegistry} bean is
 * there and {@code witrpc.metrics.enabled} is not false: the call meters of the auto-configured
 * server ({@code witrpc.server.*}) and of every named client ({@code witrpc.client.*}), the
 * server's connection count, and each named client's state and pending calls; a named client's
 * meters are tagged {@code client=NAME}. The meter binders are {@link MeterBinder} beans, bound by
 * Spring Boot's metrics auto-configuration; the server's binds its meters once the server has
 * started, so that their {@code address} tag has the port a {@code tcp://host:0} server got. A
 * client's meters are removed when the client closes, the server's when the context closes. A bean
 * of the same name defined by the application replaces each.
 *
 * <p>Thread safety: Spring configuration, used during startup only.
 */
@AutoConfiguration(
    after = {WitServerAutoConfiguration.class, WitClientAutoConfiguration.class},
    afterName = {
      "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"
    })
@ConditionalOnClass({MeterRegistry.class, MicrometerServerInterceptor.class})
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnProperty(name = "witrpc.metrics.enabled", matchIfMissing = true)
public class WitMetricsAutoConfiguration {
  /** Created by Spring. */
  public WitMetricsAutoConfiguration() {}

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(WitServer.class)
  static class ServerMetrics {
    @Bean
    @Order(ObservabilityOrder.METRICS)
    @ConditionalOnMissingBean(name = "witrpcServerMetricsCustomizer")
    WitServerBuilderCustomizer witrpcServerMetricsCustomizer(MeterRegistry registry) {
      return builder -> builder.interceptor(new MicrometerServerInterceptor(registry));
    }

    @Bean
    @ConditionalOnSingleCandidate(WitServer.class)
    @ConditionalOnMissingBean(name = "witrpcServerMetrics")
    StartedServerMetrics witrpcServerMetrics(WitServer server) {
      return new StartedServerMetrics(server);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(WitClient.class)
  static class ClientMetrics {
    @Bean
    @Order(ObservabilityOrder.METRICS)
    @ConditionalOnMissingBean(name = "witrpcClientMetricsCustomizer")
    WitClientBuilderCustomizer witrpcClientMetricsCustomizer(MeterRegistry registry) {
      return (name, builder) ->
          builder.interceptor(new MicrometerClientInterceptor(registry, clientTags(name)));
    }

    @Bean
    @ConditionalOnSingleCandidate(WitClients.class)
    @ConditionalOnMissingBean(name = "witrpcClientMetrics")
    MeterBinder witrpcClientMetrics(WitClients clients) {
      return registry -> clients.all().forEach(c -> clientMetrics(c).bindTo(registry));
    }

    private static WitClientMetrics clientMetrics(NamedClient client) {
      return new WitClientMetrics(client.client(), clientTags(client.name()));
    }

    /** The tags of the named client's meters: two clients of one service keep theirs apart. */
    private static Tags clientTags(String name) {
      return Tags.of("client", name);
    }
  }
}
