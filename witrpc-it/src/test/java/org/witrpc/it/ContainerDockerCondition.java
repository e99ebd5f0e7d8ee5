package org.witrpc.it;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Runs the container tests only where a Docker engine answers. On a developer machine without one
 * the tests are skipped with a message saying why and how to run them; in CI (environment {@code
 * CI=true}) a missing engine fails the tests instead, so the suite is never skipped silently.
 *
 * <p>Thread safety: stateless.
 */
final class ContainerDockerCondition implements ExecutionCondition {
  static final String HOW =
      "the container tests need a running Docker engine that this user may use"
          + " (docker info must work); see README, 'Container deployment'";

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (DockerClientFactory.instance().isDockerAvailable()) {
      return ConditionEvaluationResult.enabled("Docker is available");
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException(
          "CI=true but Docker is not available: " + HOW + " (.ci/run starts dockerd)");
    }
    return ConditionEvaluationResult.disabled("skipped: Docker is not available; " + HOW);
  }
}
