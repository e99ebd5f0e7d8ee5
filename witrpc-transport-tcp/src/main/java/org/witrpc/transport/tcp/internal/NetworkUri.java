package org.witrpc.transport.tcp.internal;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.witrpc.spi.Durations;
import org.witrpc.spi.Sizes;
import org.witrpc.spi.TransportOptions;

/**
 * A parsed network transport URI, {@code SCHEME://HOST:PORT[/PATH]?options}: host, port, path and
 * the query options, each read with the shared parsers ({@link Sizes}, {@link Durations}); unknown
 * options are an error. Shared by {@code tcp://} and {@code ws://}/{@code wss://}.
 *
 * <p>Thread safety: immutable.
 */
public final class NetworkUri {

  /** The options every network transport reads: limits, heartbeats, TLS, the exposure guard. */
  public static final List<String> OPTIONS =
      List.of(
          "maxClients",
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

  private final URI uri;
  private final String scheme;
  private final String host;
  private final int port;
  private final String path;
  private final Map<String, String> query;

  private NetworkUri(
      URI uri, String scheme, String host, int port, String path, Map<String, String> query) {
    this.uri = uri;
    this.scheme = scheme;
    this.host = host;
    this.port = port;
    this.path = path;
    this.query = query;
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
    if (!scheme.equalsIgnoreCase(uri.getScheme())) {
      throw invalid(uri, scheme, "not a " + scheme + ":// URI");
    }
    if (uri.isOpaque() || uri.getHost() == null) {
      throw invalid(uri, scheme, "expected " + form);
    }
    if (uri.getPort() < 0) {
      throw invalid(
          uri, scheme, "no port; expected " + form + " (port 0: any free port, for a server)");
    }
    if (uri.getPort() > 65535) {
      throw invalid(uri, scheme, "port " + uri.getPort() + " is not between 0 and 65535");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    if (!withPath && !path.isEmpty() && !path.equals("/")) {
      throw invalid(uri, scheme, "a " + scheme + ":// address has no path");
    }
    if (uri.getFragment() != null || uri.getUserInfo() != null) {
      throw invalid(uri, scheme, "user info and fragments have no meaning here");
    }
    String host = uri.getHost();
    String bare =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    Map<String, String> query = query(uri, scheme);
    List<String> unknown = new ArrayList<>();
    for (String key : query.keySet()) {
      if (!OPTIONS.contains(key)) {
        unknown.add(key);
      }
    }
    if (!unknown.isEmpty()) {
      throw invalid(
          uri,
          scheme,
          "unknown option(s) " + String.join(", ", unknown) + "; known options: " + OPTIONS);
    }
    return new NetworkUri(uri, scheme, bare, uri.getPort(), withPath ? path : "", query);
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

  /** The value of option {@code key}, if given. */
  public Optional<String> option(String key) {
    return Optional.ofNullable(query.get(key));
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
    TransportOptions options = defaults;
    try {
      Optional<String> maxClients = option("maxClients");
      if (maxClients.isPresent()) {
        options = options.withMaxClients(Integer.parseInt(maxClients.get().trim()));
      }
      Optional<String> maxFrameSize = option("maxFrameSize");
      if (maxFrameSize.isPresent()) {
        options = options.withMaxFrameSize(Sizes.parseInt(maxFrameSize.get()));
      }
      Optional<String> sendTimeout = option("sendTimeout");
      if (sendTimeout.isPresent()) {
        options = options.withSendTimeout(Durations.parse(sendTimeout.get()));
      }
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage());
    }
    return options;
  }

  /**
   * The heartbeat settings: {@code heartbeat} (a duration, 0 for off) and {@code heartbeatMisses}.
   */
  public Heartbeat heartbeat() {
    try {
      Duration interval =
          option("heartbeat").map(Durations::parse).orElse(Heartbeat.DEFAULT_INTERVAL);
      int misses =
          option("heartbeatMisses")
              .map(value -> Integer.parseInt(value.trim()))
              .orElse(Heartbeat.DEFAULT_MISSES);
      return Heartbeat.of(interval, misses);
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage());
    }
  }

  /** An error naming this URI and {@code why}. */
  public IllegalArgumentException invalid(String why) {
    return invalid(uri, scheme, why);
  }

  private static Map<String, String> query(URI uri, String scheme) {
    Map<String, String> result = new LinkedHashMap<>();
    String raw = uri.getRawQuery();
    if (raw == null || raw.isEmpty()) {
      return result;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw invalid(uri, scheme, "option '" + pair + "' has no value; expected key=value");
      }
      String key = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      if (result.put(key, value) != null) {
        throw invalid(uri, scheme, "option '" + key + "' is given twice");
      }
    }
    return result;
  }

  private static IllegalArgumentException invalid(URI uri, String scheme, String why) {
    return new IllegalArgumentException(
        "invalid " + scheme + " transport URI '" + uri + "': " + why);
  }

  @Override
  public String toString() {
    return uri.toString();
  }
}
