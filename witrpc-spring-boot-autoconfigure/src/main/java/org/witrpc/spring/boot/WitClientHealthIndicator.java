package org.witrpc.spring.boot;

import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.witrpc.WitRemoteException;
import org.witrpc.client.ConnectionState;

/**
 * One client's health, from its {@link ConnectionState}: READY is UP; CONNECTING and RECONNECTING
 * are OUT_OF_SERVICE (calls wait for the connection); FAILED and CLOSED are DOWN; DISCONNECTED is
 * UNKNOWN until the client has failed once (a lazy client before its first call), DOWN after. A
 * READY client also pings its server ({@link org.witrpc.ServerPing}, answered by the server's
 * reader, not behind the calls on its executor), unless the ping timeout is zero: a server that
 * does not answer within it (stopped, stuck, its reader blocked) is DOWN although the connection
 * stands. Details: the state, the URI (without secrets), the ping's round trip or why it failed,
 * the last failure.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class WitClientHealthIndicator implements HealthIndicator {
  private final NamedClient client;
  private final ServerPings pings;

  /**
   * @param pings the pings of the clients' health reports, with their timeout; null for none
   */
  WitClientHealthIndicator(NamedClient client, ServerPings pings) {
    this.client = client;
    this.pings = pings;
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
    if (state == ConnectionState.READY && pings != null) {
      ping(health);
    }
    client.tracker().lastFailure().ifPresent(f -> health.withDetail("lastFailure", f));
    return health.build();
  }

  /** Pings the server: UP with the round trip if it answers in time, else DOWN with why. */
  private void ping(Health.Builder health) {
    ServerPings.Ping ping = pings.of(client);
    CompletableFuture<Void> outcome = ping.outcome();
    long left = ping.startedNanos() + pings.timeoutNanos() - System.nanoTime();
    try {
      outcome.get(Math.max(0, left), TimeUnit.NANOSECONDS);
      health.withDetail("ping", millis(ping.roundTripNanos()));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WitRemoteException) {
        // an answer all the same: a server of an older witrpc (404), or at its call limit (503)
        health.withDetail("ping", millis(ping.roundTripNanos()));
      } else {
        health.down().withDetail("ping", "failed: " + e.getCause());
      }
    } catch (TimeoutException | CancellationException e) {
      outcome.cancel(true); // gives the call up, here and on the server
      health
          .down()
          .withDetail(
              "ping",
              "no answer within " + TimeUnit.NANOSECONDS.toMillis(pings.timeoutNanos()) + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      health.unknown().withDetail("ping", "interrupted");
    }
  }

  private static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
  }
}
