package org.witrpc.spring.boot;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.witrpc.ServerPing;
import org.witrpc.client.ConnectionState;

/**
 * The clients' pings of one health report. Actuator asks the clients' indicators one after another,
 * so the first one asked starts a ping of every READY client at once (a round) and each indicator
 * takes its own and waits for it only until that ping's timeout: servers that do not answer cost
 * one timeout per report, not one per client. Each ping serves one report: an indicator that finds
 * none of its own in a round younger than the timeout starts a new round.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class ServerPings {
  private final List<NamedClient> clients;
  private final long timeoutNanos;
  private Round round; // guarded by this

  ServerPings(Collection<NamedClient> clients, Duration timeout) {
    this.clients = List.copyOf(clients);
    this.timeoutNanos = timeout.toNanos();
  }

  /** The timeout of each ping. */
  long timeoutNanos() {
    return timeoutNanos;
  }

  /**
   * A ping of {@code client}'s server for a report: the one the current round started for it, if
   * the round is younger than the timeout and no report took it yet; else a new round's.
   */
  synchronized Ping of(NamedClient client) {
    long now = System.nanoTime();
    Ping mine =
        round != null && now - round.started <= timeoutNanos ? round.pings.remove(client) : null;
    if (mine != null) {
      return mine;
    }
    round = new Round(now);
    for (NamedClient c : clients) {
      if (c != client && c.client().state() == ConnectionState.READY) {
        round.pings.put(c, Ping.start(c));
      }
    }
    return Ping.start(client);
  }

  /** One ping: when it was sent, its outcome, and when that came. */
  static final class Ping {
    private final long startedNanos;
    private final CompletableFuture<Void> outcome;
    private volatile long completedNanos;

    private Ping(long startedNanos, CompletableFuture<Void> outcome) {
      this.startedNanos = startedNanos;
      this.outcome = outcome;
      outcome.whenComplete((v, e) -> completedNanos = System.nanoTime());
    }

    static Ping start(NamedClient client) {
      long now = System.nanoTime();
      CompletableFuture<Void> outcome;
      try {
        outcome = client.client().service(ServerPing.class).ping();
      } catch (RuntimeException e) {
        outcome = CompletableFuture.failedFuture(e);
      }
      return new Ping(now, outcome);
    }

    long startedNanos() {
      return startedNanos;
    }

    CompletableFuture<Void> outcome() {
      return outcome;
    }

    /** From the send to the outcome (a completed outcome whose time is not yet set: to now). */
    long roundTripNanos() {
      long completed = completedNanos;
      return (completed != 0 ? completed : System.nanoTime()) - startedNanos;
    }
  }

  private static final class Round {
    final long started;
    final Map<NamedClient, Ping> pings = new HashMap<>(); // guarded by the ServerPings

    Round(long started) {
      this.started = started;
    }
  }
}
