package org.witrpc.spring.boot;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.ConfigurationCondition;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when something asks for a server: {@code witrpc.server.uri} is set or a bean is annotated
 * {@link WitService}; never when {@code witrpc.server.enabled=false}. Evaluated when beans are
 * registered (as {@code @ConditionalOnBean} is), so that it sees the application's beans.
 *
 * <p>Thread safety: stateless.
 */
final class OnWitServerCondition extends SpringBootCondition implements ConfigurationCondition {
  @Override
  public ConfigurationPhase getConfigurationPhase() {
    return ConfigurationPhase.REGISTER_BEAN;
  }

  @Override
  public ConditionOutcome getMatchOutcome(
      ConditionContext context, AnnotatedTypeMetadata metadata) {
    ConditionMessage.Builder message = ConditionMessage.forCondition("witrpc server");
    Environment env = context.getEnvironment();
    if (!env.getProperty("witrpc.server.enabled", Boolean.class, true)) {
      return ConditionOutcome.noMatch(message.because("witrpc.server.enabled is false"));
    }
    if (env.containsProperty("witrpc.server.uri")) {
      return ConditionOutcome.match(message.because("witrpc.server.uri is set"));
    }
    var beanFactory = context.getBeanFactory();
    if (beanFactory != null && beanFactory.getBeanNamesForAnnotation(WitService.class).length > 0) {
      return ConditionOutcome.match(message.because("a bean is annotated @WitService"));
    }
    return ConditionOutcome.noMatch(
        message.because("neither witrpc.server.uri nor a @WitService bean"));
  }
}
