package org.witrpc.spring.boot;

import org.witrpc.client.WitClient;

/**
 * Changes the builder of each auto-configured client after its {@code witrpc.client.NAME.*}
 * properties were applied, just before it is built. The hook point for what properties cannot say
 * (for example an interceptor: the metrics and tracing interceptors of {@code witrpc-micrometer} /
 * {@code witrpc-opentelemetry} are added this way by {@link WitMetricsAutoConfiguration} and {@link
 * WitTracingAutoConfiguration}). Every bean of this type is applied to every client, in {@link
 * org.springframework.core.annotation.Order} order.
 *
 * <p>Thread safety: called once per client, on the thread that creates the {@link WitClients} bean.
 */
@FunctionalInterface
public interface WitClientBuilderCustomizer {
  /** Changes the builder of the client named {@code name}. */
  void customize(String name, WitClient.Builder builder);
}
