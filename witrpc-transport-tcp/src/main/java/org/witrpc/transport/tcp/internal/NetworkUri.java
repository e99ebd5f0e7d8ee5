package org.witrpc.transport.tcp.internal;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.witrpc.internal.Limits;
import org.witrpc.spi.TransportOptions;
import org.witrpc.spi.TransportUri;

/**
 * A parsed network transport URI, {@code SCHEME://HOST:PORT[/PATH]?options}: the host, port and
 * path, and the query read by {@link TransportUri} with the same rules and messages as every other
 * transport's (percent-decoding, no empty or repeated options, unknown options named, sizes,
 * durations and limits checked alike). Shared by {@code tcp://} and {@code ws://}/{@code wss://}. A
 * host name may have an underscore ({@code tcp://my_host:7000}, as Docker Compose names services),
 * although java.net.URI finds no host in it.
 *
 * <p>Thread safety: immutable.
 */
public final class NetworkUri {

  /** The options every network transport reads: limits, heartbeats, TLS, the exposure guard. */
  public static final List<String> OPTIONS =
      List.of(
          "maxClients",
          "maxHandshakes",
          "maxFrameSize",
          "sendTimeout",
          "heartbeat",
          "heartbeatMisses",
          "tls",
          "certificate",
          "key",
          "trust",
          "clientAuth",
          "hostnameVerification",
          "insecure");

  /**
   * A host name with an underscore and an optional port, as the authority of a URI: dot-separated
   * labels of letters, digits, '_' and '-' (not first or last), a final dot allowed; the port in
   * digits. java.net.URI finds no host in such names; names it finds none in for other reasons
   * (user info, percent-encoding, other characters) stay refused.
   */
  private static final Pattern UNDERSCORE_AUTHORITY =
      Pattern.compile(
          "((?=[^:]*_)(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?\\.)*"
              + "[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?\\.?)(?::([0-9]+))?");

  /** The longest host name DNS allows (RFC 1035). */
  private static final int MAX_NAME = 253;

  /** The longest port text read: five digits after up to a few leading zeros. */
  private static final int MAX_PORT_TEXT = 10;

  private final TransportUri uri;
  private final String host;
  private final int port;
  private final String path;

  private NetworkUri(TransportUri uri, String host, int port, String path) {
    this.uri = uri;
    this.host = host;
    this.port = port;
    this.path = path;
  }

  /**
   * Parses {@code uri} of {@code scheme} with the {@link #OPTIONS}.
   *
   * @param form the address form, for the errors: {@code "tcp://HOST:PORT"}
   * @param withPath whether the address has a path ({@code ws://HOST:PORT/PATH}); if not, a path is
   *     an error
   * @throws IllegalArgumentException if the URI is not of that form or has an unknown option
   */
  public static NetworkUri parse(URI uri, String scheme, String form, boolean withPath) {
    TransportUri parsed = TransportUri.parse(uri, scheme, OPTIONS);
    if (uri.isOpaque()) {
      throw parsed.invalid("expected " + form);
    }
    String host = uri.getHost();
    int port = uri.getPort();
    if (host == null) {
      // java.net.URI takes a name with '_' for no host name (RFC 2396), but such names are common
      // (Docker Compose services) and resolve; the authority is then read here, strictly
      String authority = uri.getRawAuthority();
      if (authority != null && authority.contains("@")) {
        throw parsed.invalid("user info has no meaning here");
      }
      if (authority != null && authority.length() > MAX_NAME + 1 + MAX_PORT_TEXT) {
        // also keeps the pattern's repetition (one stack frame per label) far from the stack's end
        throw parsed.invalid("a host name has at most " + MAX_NAME + " characters");
      }
      Matcher name = UNDERSCORE_AUTHORITY.matcher(authority == null ? "" : authority);
      if (!name.matches()) {
        throw parsed.invalid("expected " + form);
      }
      host = name.group(1);
      port = name.group(2) == null ? -1 : parsePort(name.group(2));
    }
    if (port < 0) {
      throw parsed.invalid("no port; expected " + form + " (port 0: any free port, for a server)");
    }
    if (port > 65535) {
      throw parsed.invalid("port " + port + " is not between 0 and 65535");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    if (!withPath && !path.isEmpty() && !path.equals("/")) {
      throw parsed.invalid("a " + scheme + ":// address has no path");
    }
    if (uri.getUserInfo() != null) {
      throw parsed.invalid("user info has no meaning here");
    }
    String bare =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    return new NetworkUri(parsed, bare, port, withPath ? path : "");
  }

  /** A port in digits, leading zeros allowed as java.net.URI allows them; MAX_VALUE if too long. */
  private static int parsePort(String digits) {
    String significant = digits.replaceFirst("^0+(?=\\d)", "");
    return significant.length() > 6 ? Integer.MAX_VALUE : Integer.parseInt(significant);
  }

  /** The host, an IPv6 address without brackets. */
  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /** The raw path ({@code "/calc"}), empty if none or for an address without paths. */
  public String path() {
    return path;
  }

  /** The decoded value of option {@code key}, if given. */
  public Optional<String> option(String key) {
    return uri.option(key);
  }

  /** Option {@code key} as a file. */
  public Optional<Path> file(String key) {
    return option(key).map(Path::of);
  }

  /** Option {@code key} as {@code true} or {@code false}. */
  public Optional<Boolean> flag(String key) {
    return option(key)
        .map(
            value -> {
              switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "true":
                  return true;
                case "false":
                  return false;
                default:
                  throw invalid(key + " must be true or false, not '" + value + "'");
              }
            });
  }

  /** {@code defaults} with maxClients, maxFrameSize and sendTimeout from the URI. */
  public TransportOptions applyTo(TransportOptions defaults) {
    return uri.applyTo(defaults);
  }

  /**
   * Sets the network options of this URI on {@code settings}: {@code heartbeat} (a duration, 0 for
   * off) and {@code heartbeatMisses}; on a server's also {@code insecure} and {@code
   * maxHandshakes}. A client ignores those two, but their values are checked on both sides, as
   * {@code maxClients} is, so that a malformed value never passes unnoticed in a URI that serves
   * both. TLS is read by {@link UriTls}.
   *
   * @throws IllegalArgumentException naming this URI if a value is not allowed
   */
  public void configure(NettySettings settings) {
    Duration interval = uri.duration("heartbeat").orElse(Heartbeat.DEFAULT_INTERVAL);
    int misses = uri.count("heartbeatMisses").orElse(Heartbeat.DEFAULT_MISSES);
    checked(() -> settings.heartbeat(interval, misses));
    Optional<Boolean> insecure = flag("insecure");
    Optional<Integer> maxHandshakes = uri.count("maxHandshakes");
    maxHandshakes.ifPresent(max -> checked(() -> Limits.atLeastOne("maxHandshakes", max)));
    if (settings.isServer()) {
      insecure.ifPresent(settings::insecure);
      maxHandshakes.ifPresent(settings::maxHandshakes);
    }
  }

  private void checked(Runnable setter) {
    uri.check(
        () -> {
          setter.run();
          return null;
        });
  }

  /** An error naming this URI and {@code why}. */
  public IllegalArgumentException invalid(String why) {
    return uri.invalid(why);
  }

  @Override
  public String toString() {
    return uri.toString();
  }
}
