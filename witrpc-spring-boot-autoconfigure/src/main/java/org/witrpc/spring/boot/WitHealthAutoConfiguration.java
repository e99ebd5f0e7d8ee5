package org.witrpc.spring.boot;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.witrpc.client.WitClient;
import org.witrpc.server.WitServer;

/**
 * Actuator health for witrpc, when Spring Boot's health support is on the class path and {@code
 * management.health.witrpc.enabled} is not false: {@code witrpcServer} for the auto-configured
 * server and {@code witrpcClients} with one entry per named client. A bean of the same name defined
 * by the application replaces each.
 *
 * <p>Thread safety: Spring configuration, used during startup only.
 */
@AutoConfiguration(after = {WitServerAutoConfiguration.class, WitClientAutoConfiguration.class})
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnEnabledHealthIndicator("witrpc")
public class WitHealthAutoConfiguration {
  /** Created by Spring. */
  public WitHealthAutoConfiguration() {}

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(WitServer.class)
  static class ServerHealth {
    @Bean
    @ConditionalOnBean(WitServerLifecycle.class)
    @ConditionalOnMissingBean(name = "witrpcServerHealthIndicator")
    HealthIndicator witrpcServerHealthIndicator(WitServerLifecycle server) {
      return new WitServerHealthIndicator(server);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(WitClient.class)
  static class ClientHealth {
    @Bean
    @ConditionalOnBean(WitClients.class)
    @ConditionalOnMissingBean(name = "witrpcClientsHealthContributor")
    HealthContributor witrpcClientsHealthContributor(WitClients clients) {
      Map<String, HealthIndicator> indicators = new LinkedHashMap<>();
      clients.all().forEach(c -> indicators.put(c.name(), new WitClientHealthIndicator(c)));
      return CompositeHealthContributor.fromMap(indicators);
    }
  }
}
