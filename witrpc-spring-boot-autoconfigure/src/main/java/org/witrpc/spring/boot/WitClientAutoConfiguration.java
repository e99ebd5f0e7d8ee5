package org.witrpc.spring.boot;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.witrpc.client.WitClient;

/**
 * The named witrpc clients of {@code witrpc.client.NAME.*} ({@link WitClients}), each changed by
 * every {@link WitClientBuilderCustomizer}, connected at startup or at their first call, closed
 * with the context; and the injection of {@link WitProxy} fields. An application that defines its
 * own {@link WitClients} bean keeps it (it is still connected at startup and injected).
 *
 * <p>Thread safety: Spring configuration, used during startup only.
 */
@AutoConfiguration(after = WitServerAutoConfiguration.class)
@ConditionalOnClass(WitClient.class)
@EnableConfigurationProperties(WitClientProperties.class)
public class WitClientAutoConfiguration {
  /** Created by Spring. */
  public WitClientAutoConfiguration() {}

  /** Always there, so that a {@link WitProxy} field without a configured client fails loudly. */
  @Bean
  static WitProxyInjector witProxyInjector(ObjectProvider<WitClients> clients) {
    return new WitProxyInjector(clients);
  }

  @Bean
  @Conditional(OnWitClientsCondition.class)
  @ConditionalOnMissingBean
  WitClients witClients(
      WitClientProperties properties, ObjectProvider<WitClientBuilderCustomizer> customizers) {
    Map<String, NamedClient> clients = new LinkedHashMap<>();
    try {
      properties.getClient().forEach((name, p) -> clients.put(name, create(name, p, customizers)));
    } catch (RuntimeException e) {
      clients.values().forEach(c -> c.client().close());
      throw e;
    }
    return new WitClients(clients);
  }

  @Bean
  @ConditionalOnMissingBean
  WitClientsLifecycle witClientsLifecycle(ObjectProvider<WitClients> clients) {
    return new WitClientsLifecycle(clients);
  }

  private static NamedClient create(
      String name,
      WitClientProperties.Client p,
      ObjectProvider<WitClientBuilderCustomizer> customizers) {
    WitClient.Builder builder = WitClientFactory.configure(name, p);
    customizers.orderedStream().forEach(c -> c.customize(name, builder));
    WitClient client = WitClientFactory.build(name, builder);
    return new NamedClient(
        name,
        client,
        p.getUri(),
        p.getConnect() == WitClientProperties.Connect.LAZY,
        p.getConnectTimeout());
  }
}
