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
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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

  /** The most servers kept from one source address. */
  static final int PER_SOURCE = 32;

  private static final Set<String> NETWORK_SCHEMES = Set.of("tcp", "ws", "wss");

  private final Map<String, AnnouncedServer> servers = new LinkedHashMap<>();
  private boolean closed;

  HeardServers(int capacity, Clock clock) {
    this.capacity = capacity;
    this.clock = clock;
  }

  /**
   * Applies one announcement that came from {@code source}. An id is bound to the address it was
   * first heard from: announcements for it from elsewhere (a forged GOODBYE, a HEARTBEAT that would
   * move it) are ignored. A URI that is not {@code tcp://}, {@code ws://} or {@code wss://}, or
   * that names a loopback host while the sender is not on this machine, is ignored. One source
   * holds at most {@value #PER_SOURCE} servers; when the table is full, the one heard from longest
   * ago goes.
   */
  synchronized void heard(DiscoveryDatagram a, InetAddress source) {
    AnnouncedServer known = servers.get(a.id());
    if (known != null && !known.source().equals(source)) {
      return;
    }
    if (a.kind() == DiscoveryDatagram.Kind.GOODBYE) {
      if (known != null) {
        servers.remove(a.id());
        notifyAll();
      }
      return;
    }
    String uri = withHost(a.uri(), source);
    if (!acceptable(uri, source)) {
      return;
    }
    Instant now = clock.instant();
    expire(now);
    if (known == null) {
      long fromSource = servers.values().stream().filter(s -> s.source().equals(source)).count();
      if (fromSource >= PER_SOURCE) {
        return;
      }
      if (servers.size() >= capacity) {
        servers.values().stream()
            .min(Comparator.comparing(AnnouncedServer::lastHeard))
            .ifPresent(oldest -> servers.remove(oldest.id()));
      }
    }
    servers.put(
        a.id(),
        new AnnouncedServer(
            a.id(),
            a.name(),
            uri,
            a.services(),
            a.truncated(),
            source,
            now,
            now.plusMillis(a.ttlMillis())));
    notifyAll();
  }

  /** Ends every {@link #await}, now and later, with no server (the listener closed). */
  synchronized void close() {
    closed = true;
    notifyAll();
  }

  private static boolean acceptable(String uri, InetAddress source) {
    try {
      URI u = new URI(uri);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!NETWORK_SCHEMES.contains(scheme) || u.getHost() == null) {
        return false;
      }
      String host =
          u.getHost().startsWith("[")
              ? u.getHost().substring(1, u.getHost().length() - 1)
              : u.getHost();
      boolean loopbackHost =
          host.equalsIgnoreCase("localhost")
              || (isLiteral(host) && InetAddress.getByName(host).isLoopbackAddress());
      return !loopbackHost || source.isLoopbackAddress() || isLocal(source);
    } catch (URISyntaxException | java.net.UnknownHostException e) {
      return false;
    }
  }

  private static boolean isLiteral(String host) {
    return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
  }

  /** Whether {@code address} is one of this machine's own (an announcement looped back). */
  private static boolean isLocal(InetAddress address) {
    try {
      return java.net.NetworkInterface.getByInetAddress(address) != null;
    } catch (java.net.SocketException e) {
      return false;
    }
  }

  /** The servers not yet forgotten, in the order first heard. */
  synchronized List<AnnouncedServer> list() {
    expire(clock.instant());
    return List.copyOf(servers.values());
  }

  /**
   * Waits up to {@code millis} for a server that {@code match} accepts.
   *
   * @return it, or null if none came in time or the listener closed
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
      if (left <= 0 || closed) {
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
              ? "["
                  + source.getHostAddress()
                  + "]" // with its scope (fe80::1%eth0), as URI reads it
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
