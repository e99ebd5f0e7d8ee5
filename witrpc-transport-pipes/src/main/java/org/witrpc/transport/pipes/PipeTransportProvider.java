package org.witrpc.transport.pipes;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.Durations;
import org.witrpc.spi.PeerPolicy;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.Sizes;
import org.witrpc.spi.TransportOptions;
import org.witrpc.spi.TransportProvider;

/**
 * The {@code pipe} scheme for {@link org.witrpc.Transports}: {@code pipe://NAME} (socket {@code
 * NAME.sock} in the runtime directory) or {@code pipe:///absolute/path.sock}, with the query
 * options {@code maxClients} (a number), {@code maxFrameSize} (bytes, suffixes allowed: {@code
 * 64MiB}) and {@code sendTimeout} (a duration: {@code 500ms}, {@code 10s}), which override the
 * {@link TransportOptions} passed in, and {@code peerUsers} (user names or uids, comma-separated,
 * or {@code *}: see {@link PeerPolicy}). Registered through {@code
 * META-INF/services/org.witrpc.spi.TransportProvider}.
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
public final class PipeTransportProvider implements TransportProvider {

  private static final List<String> OPTIONS =
      List.of("maxClients", "maxFrameSize", "sendTimeout", PeerPolicy.URI_OPTION);

  /** Public for {@link java.util.ServiceLoader}. */
  public PipeTransportProvider() {}

  @Override
  public String scheme() {
    return PipeEndpoint.SCHEME;
  }

  @Override
  public ServerTransport server(URI uri, TransportOptions defaults) {
    Objects.requireNonNull(uri, "uri == null");
    TransportOptions options = options(uri, Objects.requireNonNull(defaults, "defaults == null"));
    String name = name(uri);
    PipeServerTransport.Builder builder =
        name != null ? PipeTransport.server(name) : PipeTransport.server(socketPath(uri));
    peerPolicy(uri).ifPresent(builder::peerPolicy);
    return builder.options(options).build();
  }

  @Override
  public ClientTransport client(URI uri, TransportOptions defaults) {
    Objects.requireNonNull(uri, "uri == null");
    TransportOptions options = options(uri, Objects.requireNonNull(defaults, "defaults == null"));
    String name = name(uri);
    PipeClientTransport.Builder builder =
        name != null ? PipeTransport.client(name) : PipeTransport.client(socketPath(uri));
    peerPolicy(uri).ifPresent(builder::peerPolicy);
    return builder.options(options).build();
  }

  /** The {@code peerUsers} option, if given. */
  private static java.util.Optional<PeerPolicy> peerPolicy(URI uri) {
    String users = query(uri).get(PeerPolicy.URI_OPTION);
    if (users == null) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(PeerPolicy.parse(users));
    } catch (IllegalArgumentException e) {
      throw invalid(uri, e.getMessage());
    }
  }

  /** The name of {@code pipe://NAME}, or null for {@code pipe:///path}. */
  private static String name(URI uri) {
    checkScheme(uri);
    if (uri.isOpaque()) {
      throw invalid(uri, "expected pipe://NAME or pipe:///absolute/path.sock");
    }
    String authority = uri.getAuthority();
    String path = uri.getPath();
    if (authority == null || authority.isEmpty()) {
      if (path == null || path.isEmpty() || path.equals("/")) {
        throw invalid(uri, "no name or socket path; expected pipe://NAME");
      }
      return null;
    }
    if (path != null && !path.isEmpty()) {
      throw invalid(
          uri,
          "a name cannot have a path; for an absolute socket path use three slashes:"
              + " pipe:///absolute/path.sock");
    }
    return authority;
  }

  private static Path socketPath(URI uri) {
    return Path.of(uri.getPath());
  }

  private static void checkScheme(URI uri) {
    if (!PipeEndpoint.SCHEME.equalsIgnoreCase(uri.getScheme())) {
      throw invalid(uri, "not a pipe:// URI");
    }
    if (uri.getFragment() != null) {
      throw invalid(uri, "a fragment (#...) has no meaning here");
    }
  }

  private static TransportOptions options(URI uri, TransportOptions defaults) {
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
    TransportOptions options = defaults;
    try {
      String maxClients = query.get("maxClients");
      if (maxClients != null) {
        options = options.withMaxClients(Integer.parseInt(maxClients.trim()));
      }
      String maxFrameSize = query.get("maxFrameSize");
      if (maxFrameSize != null) {
        options = options.withMaxFrameSize(Sizes.parseInt(maxFrameSize));
      }
      String sendTimeout = query.get("sendTimeout");
      if (sendTimeout != null) {
        options = options.withSendTimeout(Durations.parse(sendTimeout));
      }
    } catch (IllegalArgumentException e) {
      throw invalid(uri, e.getMessage());
    }
    return options;
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
    return new IllegalArgumentException("invalid pipe transport URI '" + uri + "': " + why);
  }
}
