package org.witrpc.spring.boot;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.witrpc.client.ConnectionState;

/**
 * One client's health, from its {@link ConnectionState}: READY is UP; CONNECTING and RECONNECTING
 * are OUT_OF_SERVICE (calls wait for the connection); FAILED and CLOSED are DOWN; DISCONNECTED is
 * UNKNOWN until the client has failed once (a lazy client before its first call), DOWN after.
 * Details: the state, the URI (without secrets), the last failure.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class WitClientHealthIndicator implements HealthIndicator {
  private final NamedClient client;

  WitClientHealthIndicator(NamedClient client) {
    this.client = client;
  }

  @Override
  public Health health() {
    ConnectionState state = client.client().state();
    Health.Builder health =
        switch (state) {
          case READY -> Health.up();
          case CONNECTING, RECONNECTING -> Health.outOfService();
          case FAILED, CLOSED -> Health.down();
          case DISCONNECTED ->
              client.tracker().lastFailure().isPresent() ? Health.down() : Health.unknown();
        };
    health.withDetail("state", state.name()).withDetail("uri", client.uri());
    client.tracker().lastFailure().ifPresent(f -> health.withDetail("lastFailure", f));
    return health.build();
  }
}
