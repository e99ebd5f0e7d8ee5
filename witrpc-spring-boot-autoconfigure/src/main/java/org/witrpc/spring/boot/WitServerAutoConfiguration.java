package org.witrpc.spring.boot;

import java.time.Duration;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.witrpc.server.WitServer;

/**
 * The witrpc server, when {@code witrpc.server.uri} is set or a bean is annotated {@link
 * WitService}: built from {@link WitServerProperties}, serving every {@link WitService} bean,
 * changed by every {@link WitServerBuilderCustomizer}, started with the context and stopped
 * gracefully ({@link WitServerLifecycle}). An application that defines its own {@link WitServer}
 * bean keeps it to itself: nothing here is configured then.
 *
 * <p>Thread safety: Spring configuration, used during startup only.
 */
@AutoConfiguration
@ConditionalOnClass(WitServer.class)
@Conditional(OnWitServerCondition.class)
@ConditionalOnMissingBean(WitServer.class)
@EnableConfigurationProperties(WitServerProperties.class)
public class WitServerAutoConfiguration {
  /** How much of the shutdown phase's timeout the close needs beyond the grace for calls. */
  private static final Duration CLOSE_MARGIN = Duration.ofSeconds(3);

  /** Created by Spring. */
  public WitServerAutoConfiguration() {}

  @Bean
  WitServer witServer(
      WitServerProperties properties,
      ListableBeanFactory beans,
      ObjectProvider<WitServerBuilderCustomizer> customizers) {
    WitServer.Builder builder = WitServerFactory.configure(properties);
    WitServiceBeans.register(beans, builder);
    customizers.orderedStream().forEach(c -> c.customize(builder));
    return WitServerFactory.build(properties, builder);
  }

  @Bean
  WitServerLifecycle witServerLifecycle(
      WitServer witServer, WitServerProperties properties, Environment environment) {
    return new WitServerLifecycle(witServer, properties.getUri(), grace(environment));
  }

  /**
   * The time the calls in flight get at shutdown: the shutdown phase's timeout less what the close
   * itself takes (GOODBYE, closing the connections: up to about 2.5 s), at least half the timeout;
   * none for a negative timeout.
   */
  static Duration grace(Environment environment) {
    Duration phase =
        Binder.get(environment)
            .bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
            .orElse(Duration.ofSeconds(30));
    if (phase.isNegative()) {
      return Duration.ZERO;
    }
    Duration lessMargin = phase.minus(CLOSE_MARGIN);
    Duration half = phase.dividedBy(2);
    return lessMargin.compareTo(half) > 0 ? lessMargin : half;
  }
}
