package org.witrpc.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The context runner with witrpc's auto-configurations, and what a failed startup reports. */
final class Runners {
  private Runners() {}

  static ApplicationContextRunner witrpc() {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                WitServerAutoConfiguration.class,
                WitClientAutoConfiguration.class,
                WitHealthAutoConfiguration.class));
  }

  /** The failure report Boot would print for the context's startup failure. */
  static String failureDescription(AssertableApplicationContext context) {
    assertThat(context).hasFailed();
    FailureAnalysis analysis =
        new WitPropertyFailureAnalyzer().analyze(context.getStartupFailure());
    assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
    return analysis.getDescription();
  }

  /** The messages of the startup failure and all its causes. */
  static String failureMessages(AssertableApplicationContext context) {
    assertThat(context).hasFailed();
    StringBuilder messages = new StringBuilder();
    for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
      messages.append(t.getMessage()).append('\n');
    }
    return messages.toString();
  }
}
