package org.witrpc.transport.tcp;

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
 * A parsed {@code tcp://HOST:PORT?options} URI: host, port, and the query options, each read with
 * the shared parsers ({@link Sizes}, {@link Durations}); unknown options are an error. (Kept in one
 * place so that it can move to the SPI's shared URI parser.)
 *
 * <p>Thread safety: immutable.
 */
final class TcpUri {

  static final List<String> OPTIONS =
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
  private final TcpEndpoint endpoint;
  private final Map<String, String> query;

  private TcpUri(URI uri, TcpEndpoint endpoint, Map<String, String> query) {
    this.uri = uri;
    this.endpoint = endpoint;
    this.query = query;
  }

  /**
   * @throws IllegalArgumentException if the URI is not {@code tcp://HOST:PORT} with known options
   */
  static TcpUri parse(URI uri) {
    if (!TcpEndpoint.SCHEME.equalsIgnoreCase(uri.getScheme())) {
      throw invalid(uri, "not a tcp:// URI");
    }
    if (uri.isOpaque() || uri.getHost() == null) {
      throw invalid(uri, "expected tcp://HOST:PORT, for example tcp://127.0.0.1:7000");
    }
    if (uri.getPort() < 0) {
      throw invalid(uri, "no port; expected tcp://HOST:PORT (port 0: any free port, for a server)");
    }
    if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
      throw invalid(uri, "a tcp:// address has no path");
    }
    if (uri.getFragment() != null || uri.getUserInfo() != null) {
      throw invalid(uri, "user info and fragments have no meaning here");
    }
    TcpEndpoint endpoint;
    try {
      endpoint = TcpEndpoint.of(uri.getHost(), uri.getPort());
    } catch (IllegalArgumentException e) {
      throw invalid(uri, e.getMessage());
    }
    Map<String, String> query = query(uri);
    List<String> unknown = new ArrayList<>();
    for (String key : query.keySet()) {
      if (!OPTIONS.contains(key)) {
        unknown.add(key);
      }
    }
    if (!unknown.isEmpty()) {
      throw invalid(
          uri, "unknown option(s) " + String.join(", ", unknown) + "; known options: " + OPTIONS);
    }
    return new TcpUri(uri, endpoint, query);
  }

  TcpEndpoint endpoint() {
    return endpoint;
  }

  Optional<String> option(String key) {
    return Optional.ofNullable(query.get(key));
  }

  Optional<Path> path(String key) {
    return option(key).map(Path::of);
  }

  Optional<Boolean> flag(String key) {
    return option(key)
        .map(
            value -> {
              switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "true":
                  return true;
                case "false":
                  return false;
                default:
                  throw invalid(uri, key + " must be true or false, not '" + value + "'");
              }
            });
  }

  /** {@code defaults} with maxClients, maxFrameSize and sendTimeout from the URI. */
  TransportOptions applyTo(TransportOptions defaults) {
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
      throw invalid(uri, e.getMessage());
    }
    return options;
  }

  /**
   * The heartbeat settings: {@code heartbeat} (a duration, 0 for off) and {@code heartbeatMisses}.
   */
  Heartbeat heartbeat() {
    try {
      Duration interval =
          option("heartbeat").map(Durations::parse).orElse(Heartbeat.DEFAULT_INTERVAL);
      int misses =
          option("heartbeatMisses")
              .map(value -> Integer.parseInt(value.trim()))
              .orElse(Heartbeat.DEFAULT_MISSES);
      return Heartbeat.of(interval, misses);
    } catch (IllegalArgumentException e) {
      throw invalid(uri, e.getMessage());
    }
  }

  IllegalArgumentException invalid(String why) {
    return invalid(uri, why);
  }

  private static Map<String, String> query(URI uri) {
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
        throw invalid(uri, "option '" + pair + "' has no value; expected key=value");
      }
      String key = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      if (result.put(key, value) != null) {
        throw invalid(uri, "option '" + key + "' is given twice");
      }
    }
    return result;
  }

  private static IllegalArgumentException invalid(URI uri, String why) {
    return new IllegalArgumentException("invalid tcp transport URI '" + uri + "': " + why);
  }

  @Override
  public String toString() {
    return uri.toString();
  }
}
