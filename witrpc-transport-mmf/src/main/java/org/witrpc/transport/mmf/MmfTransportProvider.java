package org.witrpc.transport.mmf;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
 * The {@code mmf} scheme: {@code
 * mmf://NAME?size=8MiB&spin=20us&maxClients=4&maxFrameSize=1MiB&sendTimeout=10s&dir=/path&peerUsers=alice,1001}
 * ({@code peerUsers}: see {@link PeerPolicy}). Unknown options are refused. Registered for {@link
 * java.util.ServiceLoader}.
 *
 * <p>Thread safety: stateless.
 */
public final class MmfTransportProvider implements TransportProvider {

  /** Public for {@link java.util.ServiceLoader}. */
  public MmfTransportProvider() {}

  @Override
  public String scheme() {
    return "mmf";
  }

  @Override
  public ServerTransport server(URI uri, TransportOptions defaults) {
    MmfTransport.ServerBuilder b = MmfTransport.server(name(uri)).options(defaults);
    for (Map.Entry<String, String> option : query(uri).entrySet()) {
      String value = option.getValue();
      switch (option.getKey()) {
        case "size":
          b.size(value);
          break;
        case "maxClients":
          b.maxClients(parseInt(option.getKey(), value));
          break;
        default:
          common(b, uri, option.getKey(), value);
      }
    }
    return b.build();
  }

  @Override
  public ClientTransport client(URI uri, TransportOptions defaults) {
    MmfTransport.ClientBuilder b = MmfTransport.client(name(uri)).options(defaults);
    for (Map.Entry<String, String> option : query(uri).entrySet()) {
      String key = option.getKey();
      if (key.equals("size") || key.equals("maxClients")) {
        continue; // server-side settings; a shared URI may carry them
      }
      common(b, uri, key, option.getValue());
    }
    return b.build();
  }

  private static void common(MmfTransport.Builder<?> b, URI uri, String key, String value) {
    switch (key) {
      case "spin":
        b.spinBudget(Durations.parse(value));
        break;
      case "maxFrameSize":
        b.maxFrameSize(Sizes.parseInt(value));
        break;
      case "sendTimeout":
        b.sendTimeout(Durations.parse(value));
        break;
      case "dir":
        b.directory(Path.of(value));
        break;
      case PeerPolicy.URI_OPTION:
        b.peerPolicy(PeerPolicy.parse(value));
        break;
      default:
        throw new IllegalArgumentException(
            "unknown option '"
                + key
                + "' in "
                + uri
                + "; mmf options are size, spin, maxClients, maxFrameSize, sendTimeout, dir, peerUsers");
    }
  }

  private static String name(URI uri) {
    Objects.requireNonNull(uri, "uri == null");
    if (!"mmf".equalsIgnoreCase(uri.getScheme())) {
      throw new IllegalArgumentException("not an mmf URI: " + uri);
    }
    String name = uri.getAuthority();
    if (name == null || (uri.getPath() != null && !uri.getPath().isEmpty())) {
      throw new IllegalArgumentException("malformed mmf URI '" + uri + "'; expected mmf://NAME");
    }
    return name;
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> options = new LinkedHashMap<>();
    String query = uri.getQuery();
    if (query == null || query.isEmpty()) {
      return options;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("malformed option '" + pair + "' in " + uri);
      }
      if (options.put(pair.substring(0, eq), pair.substring(eq + 1)) != null) {
        throw new IllegalArgumentException(
            "option '" + pair.substring(0, eq) + "' repeated in " + uri);
      }
    }
    return options;
  }

  private static int parseInt(String key, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer: '" + value + "'", e);
    }
  }
}
