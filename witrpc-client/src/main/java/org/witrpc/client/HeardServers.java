package org.witrpc.client;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
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
      return !namesThisMachine(u.getHost()) || source.isLoopbackAddress() || isLocal(source);
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /**
   * Whether {@code host} (as {@link URI#getHost} gives it) would take a client to this machine
   * itself, judged without asking a name server (an announcement must not make the listener resolve
   * names an announcer chose): "localhost" and names under it (RFC 6761), this machine's own host
   * name, any address literal that is loopback or any-local, and any all-numeric form a resolver
   * reads as an IPv4 address ({@code 127.1}, {@code 2130706433}, {@code 0x7f.0.0.1}): only the
   * plain dotted quad is taken as an address, and judged as one.
   */
  private static boolean namesThisMachine(String host) {
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    h = h.toLowerCase(Locale.ROOT);
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    if (h.equals("localhost")
        || h.endsWith(".localhost")
        || h.equals(OWN_HOST_NAME)
        || LOCAL_NAMES.contains(h)) {
      return true;
    }
    if (h.indexOf(':') >= 0 || DOTTED_QUAD.matcher(h).matches()) {
      try {
        // a literal (IPv6 in brackets, so that the JDK never takes it for a name to look up)
        InetAddress address = InetAddress.getByName(h.indexOf(':') >= 0 ? "[" + h + "]" : h);
        return address.isLoopbackAddress() || address.isAnyLocalAddress();
      } catch (java.net.UnknownHostException e) {
        return true; // not an address after all: not one to trust from elsewhere
      }
    }
    // every label starting with a digit: not a DNS name, but a number a resolver may read
    return Arrays.stream(h.split("\\.", -1))
        .allMatch(label -> !label.isEmpty() && Character.isDigit(label.charAt(0)));
  }

  /** Four decimal numbers from 0 to 255, dot-separated, none with a leading zero. */
  private static final Pattern DOTTED_QUAD =
      Pattern.compile(
          "((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}"
              + "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])");

  /** This machine's host name in lower case, or null if it cannot be read without a lookup. */
  private static final String OWN_HOST_NAME = ownHostName();

  /** The names the hosts file gives this machine: those of its loopback and any-local lines. */
  private static final Set<String> LOCAL_NAMES = localNames(Path.of("/etc/hosts"));

  /**
   * The names {@code hostsFile} maps to a loopback or any-local address ({@code localhost4}, {@code
   * ip6-loopback}, Debian's {@code 127.0.1.1 host.example host}), lower case; none if it cannot be
   * read or is larger than 1 MiB. A local file: no name server is asked.
   */
  static Set<String> localNames(Path hostsFile) {
    Set<String> names = new HashSet<>();
    try {
      if (!Files.isRegularFile(hostsFile) || Files.size(hostsFile) > 1 << 20) {
        return Set.of();
      }
      for (String line : Files.readAllLines(hostsFile, StandardCharsets.ISO_8859_1)) {
        int hash = line.indexOf('#');
        String[] fields = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
        if (fields.length < 2 || !isLocalLiteral(fields[0])) {
          continue;
        }
        for (int i = 1; i < fields.length; i++) {
          String name = fields[i].toLowerCase(Locale.ROOT);
          names.add(name.endsWith(".") ? name.substring(0, name.length() - 1) : name);
        }
      }
    } catch (IOException | RuntimeException e) {
      return Set.of();
    }
    return Set.copyOf(names);
  }

  /** Whether {@code address} is a loopback or any-local address literal (never looked up). */
  private static boolean isLocalLiteral(String address) {
    if (address.indexOf(':') < 0 && !DOTTED_QUAD.matcher(address).matches()) {
      return false;
    }
    try {
      InetAddress a =
          InetAddress.getByName(address.indexOf(':') >= 0 ? "[" + address + "]" : address);
      return a.isLoopbackAddress() || a.isAnyLocalAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  /**
   * This machine's host name, lower case, as the system has it (Linux: the kernel's; else the
   * {@code HOSTNAME} or {@code COMPUTERNAME} variable), or null. Never a name-server lookup.
   */
  static String ownHostName() {
    String name = null;
    try {
      Path kernel = Path.of("/proc/sys/kernel/hostname");
      if (Files.isReadable(kernel)) {
        name = Files.readString(kernel).strip();
      }
    } catch (IOException | RuntimeException e) {
      name = null;
    }
    if (name == null || name.isEmpty()) {
      name = System.getenv("HOSTNAME");
    }
    if (name == null || name.isEmpty()) {
      name = System.getenv("COMPUTERNAME");
    }
    return name == null || name.isBlank() ? null : name.strip().toLowerCase(Locale.ROOT);
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

  private static final Pattern ALL_ZEROS = Pattern.compile("0+(\\.0+){0,3}");

  /** Whether {@code host} is an any-local address literal: 0.0.0.0, 0, [::], [0::0]. */
  private static boolean isWildcard(String host) {
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (h.indexOf(':') < 0) {
      return ALL_ZEROS.matcher(h).matches(); // 0.0.0.0, 0; a name is never looked up here
    }
    try { // an IPv6 literal: parsed, never looked up
      return InetAddress.getByName("[" + h + "]").isAnyLocalAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }
}
