package org.witrpc.spring.boot;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
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
  /** How long a client's health waits for its server's answer to a ping. */
  static final String PING_TIMEOUT = "witrpc.health.ping-timeout";

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
    HealthContributor witrpcClientsHealthContributor(WitClients clients, Environment environment) {
      Duration pingTimeout = pingTimeout(environment);
      ServerPings pings = pingTimeout.isZero() ? null : new ServerPings(clients.all(), pingTimeout);
      Map<String, HealthIndicator> indicators = new LinkedHashMap<>();
      clients.all().forEach(c -> indicators.put(c.name(), new WitClientHealthIndicator(c, pings)));
      return CompositeHealthContributor.fromMap(indicators);
    }

    /** {@value #PING_TIMEOUT}: a duration from 0 (no ping) to a minute; default 1 second. */
    private static Duration pingTimeout(Environment environment) {
      Duration timeout =
          Binder.get(environment).bind(PING_TIMEOUT, Duration.class).orElse(Duration.ofSeconds(1));
      if (timeout.isNegative() || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new InvalidWitPropertyException(
            PING_TIMEOUT, "must be from 0 (no ping) to 1m, not " + timeout.toMillis() + " ms");
      }
      return timeout;
    }
  }
}
