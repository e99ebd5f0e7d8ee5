package org.witrpc.spring.boot;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The auto-configured server's health: UP while it accepts clients, OUT_OF_SERVICE while it shuts
 * down, DOWN before it started and after it closed; details: the URI (without secrets), whether it
 * accepts clients, how many are connected.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class WitServerHealthIndicator implements HealthIndicator {
  private final WitServerLifecycle server;

  WitServerHealthIndicator(WitServerLifecycle server) {
    this.server = server;
  }

  @Override
  public Health health() {
    Health.Builder health =
        !server.isRunning()
            ? Health.down()
            : server.isAccepting() ? Health.up() : Health.outOfService();
    return health
        .withDetail("uri", server.uri())
        .withDetail("accepting", server.isAccepting())
        .withDetail("connections", server.connectionCount())
        .build();
  }
}
