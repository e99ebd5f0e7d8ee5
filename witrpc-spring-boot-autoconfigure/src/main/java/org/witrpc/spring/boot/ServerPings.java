package org.witrpc.spring.boot;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.witrpc.ServerPing;
import org.witrpc.client.ConnectionState;

/**
 * The clients' pings of one health report. Actuator asks the clients' indicators one after another,
 * so the first one asked starts a ping of every READY client at once (a round) and each indicator
 * takes its own and waits for it only until that ping's timeout: servers that do not answer cost
 * one timeout per report, not one per client. Each ping serves one report, and only while it is
 * under way or just answered: an indicator that finds none such starts a new round. Every ping is
 * given up at its timeout, taken or not.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class ServerPings {
  /** How old an answer a report may still take: the indicators of one report follow at once. */
  static final long FRESH_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

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
   * A ping of {@code client}'s server for a report: the one the current round started for it, if no
   * report took it yet and it is still under way or answered within the last {@link #FRESH_NANOS}
   * (never an older answer); else a new round's.
   */
  synchronized Ping of(NamedClient client) {
    long now = System.nanoTime();
    Ping mine = round != null ? round.pings.remove(client) : null;
    if (mine != null && mine.freshAt(now)) {
      return mine;
    }
    round = new Round();
    for (NamedClient c : clients) {
      if (c != client && c.client().state() == ConnectionState.READY) {
        round.pings.put(c, Ping.start(c, timeoutNanos));
      }
    }
    return Ping.start(client, timeoutNanos);
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

    /**
     * Sends a ping, given up (cancelled, here and on the server) at its timeout whether or not a
     * report takes it: a ping of a client no report asks for never waits for the call's timeout.
     */
    static Ping start(NamedClient client, long timeoutNanos) {
      long now = System.nanoTime();
      CompletableFuture<Void> outcome;
      try {
        outcome = client.client().service(ServerPing.class).ping();
      } catch (RuntimeException e) {
        outcome = CompletableFuture.failedFuture(e);
      }
      if (!outcome.isDone()) {
        CompletableFuture<Void> pending = outcome;
        CompletableFuture.delayedExecutor(timeoutNanos, TimeUnit.NANOSECONDS)
            .execute(() -> pending.cancel(true));
      }
      return new Ping(now, outcome);
    }

    /** Whether a report at {@code now} may take it: under way, or answered just now. */
    boolean freshAt(long now) {
      long completed = completedNanos;
      return !outcome.isDone() || completed != 0 && now - completed <= FRESH_NANOS;
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
    final Map<NamedClient, Ping> pings = new HashMap<>(); // guarded by the ServerPings
  }
}
