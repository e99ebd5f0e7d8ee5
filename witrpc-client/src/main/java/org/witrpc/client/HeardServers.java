package org.witrpc.client;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.witrpc.internal.DiscoveryDatagram;

/**
 * The servers a {@link NetworkDiscovery} has heard and not yet forgotten, by instance id: a HELLO
 * or HEARTBEAT adds or refreshes one until its time-to-live runs out, a GOODBYE removes it. At most
 * {@code capacity} are kept: a new one when full pushes out the one that expires first, so a flood
 * of fake announcements costs bounded memory (and real servers come back with their next
 * heartbeat).
 *
 * <p>Thread safety: thread-safe (one monitor); {@link #await} waits on it.
 */
final class HeardServers {
  private final int capacity;
  private final Clock clock;
  private final Map<String, AnnouncedServer> servers = new LinkedHashMap<>();

  HeardServers(int capacity, Clock clock) {
    this.capacity = capacity;
    this.clock = clock;
  }

  /** Applies one announcement that came from {@code source}. */
  synchronized void heard(DiscoveryDatagram a, InetAddress source) {
    if (a.kind() == DiscoveryDatagram.Kind.GOODBYE) {
      servers.remove(a.id());
      notifyAll();
      return;
    }
    Instant now = clock.instant();
    expire(now);
    if (!servers.containsKey(a.id()) && servers.size() >= capacity) {
      servers.values().stream()
          .min(Comparator.comparing(AnnouncedServer::expiresAt))
          .ifPresent(oldest -> servers.remove(oldest.id()));
    }
    servers.put(
        a.id(),
        new AnnouncedServer(
            a.id(),
            a.name(),
            withHost(a.uri(), source),
            a.services(),
            a.truncated(),
            source,
            now,
            now.plusMillis(a.ttlMillis())));
    notifyAll();
  }

  /** The servers not yet forgotten, in the order first heard. */
  synchronized List<AnnouncedServer> list() {
    expire(clock.instant());
    return List.copyOf(servers.values());
  }

  /**
   * Waits up to {@code millis} for a server that {@code match} accepts.
   *
   * @return it, or null if none came in time
   */
  synchronized AnnouncedServer await(Predicate<AnnouncedServer> match, long millis)
      throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000L;
    while (true) {
      for (AnnouncedServer s : list()) {
        if (match.test(s)) {
          return s;
        }
      }
      long left = (deadline - System.nanoTime()) / 1_000_000L;
      if (left <= 0) {
        return null;
      }
      wait(Math.min(left, 250)); // also wakes to forget expired servers
    }
  }

  private void expire(Instant now) {
    List<String> gone = new ArrayList<>();
    servers.forEach(
        (id, s) -> {
          if (!s.expiresAt().isAfter(now)) {
            gone.add(id);
          }
        });
    gone.forEach(servers::remove);
  }

  /**
   * {@code uri} with a wildcard or missing host replaced by {@code source}; any other URI as it is
   * (also one that does not parse: the listing shows what was announced).
   */
  static String withHost(String uri, InetAddress source) {
    try {
      URI u = new URI(uri);
      String host = u.getHost();
      if (host != null && !isWildcard(host)) {
        return uri;
      }
      String literal =
          source instanceof Inet6Address
              ? "[" + source.getHostAddress().replace("%", "%25") + "]" // a scope id, escaped
              : source.getHostAddress();
      if (u.getPort() < 0 || u.getScheme() == null) {
        return uri;
      }
      return u.getScheme()
          + "://"
          + literal
          + ":"
          + u.getPort()
          + (u.getRawPath() != null ? u.getRawPath() : "")
          + (u.getRawQuery() != null ? "?" + u.getRawQuery() : "");
    } catch (URISyntaxException e) {
      return uri;
    }
  }

  private static boolean isWildcard(String host) {
    return host.equals("0.0.0.0") || host.equals("[::]") || host.equals("[0:0:0:0:0:0:0:0]");
  }
}
