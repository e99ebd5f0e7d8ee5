package org.witrpc.spring.boot;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when at least one client is configured: some {@code witrpc.client.NAME.*} property.
 *
 * <p>Thread safety: stateless.
 */
final class OnWitClientsCondition extends SpringBootCondition {
  private static final ConfigurationPropertyName CLIENTS =
      ConfigurationPropertyName.of("witrpc.client");

  @Override
  public ConditionOutcome getMatchOutcome(
      ConditionContext context, AnnotatedTypeMetadata metadata) {
    ConditionMessage.Builder message = ConditionMessage.forCondition("witrpc clients");
    boolean any = false;
    for (var source : ConfigurationPropertySources.get(context.getEnvironment())) {
      any |= source.containsDescendantOf(CLIENTS) == ConfigurationPropertyState.PRESENT;
    }
    return any
        ? ConditionOutcome.match(message.because("witrpc.client.* is set"))
        : ConditionOutcome.noMatch(message.because("no witrpc.client.* property"));
  }
}
