package org.witrpc.spring.boot;

import org.witrpc.server.WitServer;

/**
 * Changes the auto-configured server's builder after the {@code witrpc.server.*} properties and the
 * {@link WitService} beans were applied, just before it is built. The hook point for what
 * properties cannot say: a token validator, an executor, an interceptor (the metrics and tracing
 * interceptors of {@code witrpc-micrometer} / {@code witrpc-opentelemetry} are added this way by
 * {@link WitMetricsAutoConfiguration} and {@link WitTracingAutoConfiguration}). Every bean of this
 * type is applied, in {@link org.springframework.core.annotation.Order} order.
 *
 * <p>Thread safety: called once, on the thread that creates the server bean.
 */
@FunctionalInterface
public interface WitServerBuilderCustomizer {
  /** Changes {@code builder}. */
  void customize(WitServer.Builder builder);
}
