package org.witrpc;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.TransportOptions;
import org.witrpc.spi.TransportProvider;

/**
 * Resolves transport URIs ({@code mem://NAME}, {@code pipe://NAME}, {@code mmf://NAME?size=8MiB})
 * to transports, through the {@link TransportProvider}s on the class path ({@link ServiceLoader}).
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
public final class Transports {

  /** Artifact that provides each well-known scheme, named in the error when it is missing. */
  private static final Map<String, String> ARTIFACTS =
      Map.of(
          "mem", "org.witrpc:witrpc-core",
          "pipe", "org.witrpc:witrpc-transport-pipes",
          "mmf", "org.witrpc:witrpc-transport-mmf",
          "tcp", "org.witrpc:witrpc-transport-tcp",
          "ws", "org.witrpc:witrpc-transport-websocket",
          "wss", "org.witrpc:witrpc-transport-websocket");

  private Transports() {}

  /** An unstarted server transport for {@code uri}, with default options. */
  public static ServerTransport server(String uri) {
    return server(uri, TransportOptions.defaults());
  }

  /**
   * An unstarted server transport for {@code uri}; settings in the URI's query override {@code
   * defaults}.
   *
   * @throws IllegalArgumentException if the URI is malformed or no provider handles its scheme
   */
  public static ServerTransport server(String uri, TransportOptions defaults) {
    URI parsed = parse(uri);
    return provider(parsed).server(parsed, Objects.requireNonNull(defaults, "defaults == null"));
  }

  /** A client transport for {@code uri}, with default options. */
  public static ClientTransport client(String uri) {
    return client(uri, TransportOptions.defaults());
  }

  /**
   * A client transport for {@code uri}.
   *
   * @throws IllegalArgumentException if the URI is malformed or no provider handles its scheme
   */
  public static ClientTransport client(String uri, TransportOptions defaults) {
    URI parsed = parse(uri);
    return provider(parsed).client(parsed, Objects.requireNonNull(defaults, "defaults == null"));
  }

  private static URI parse(String uri) {
    Objects.requireNonNull(uri, "uri == null");
    try {
      URI parsed = new URI(uri);
      if (parsed.getScheme() == null) {
        throw new IllegalArgumentException(
            "transport URI '" + uri + "' has no scheme; expected for example mmf://NAME");
      }
      return parsed;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "malformed transport URI '" + uri + "': " + e.getMessage(), e);
    }
  }

  private static TransportProvider provider(URI uri) {
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null) {
      loader = Transports.class.getClassLoader();
    }
    for (TransportProvider p : ServiceLoader.load(TransportProvider.class, loader)) {
      if (p.scheme().equalsIgnoreCase(scheme)) {
        return p;
      }
    }
    String artifact = ARTIFACTS.get(scheme);
    throw new IllegalArgumentException(
        artifact != null
            ? "no transport for '"
                + scheme
                + "://' on the class path: add the artifact "
                + artifact
                + " to your dependencies"
            : "unknown transport scheme '"
                + scheme
                + "' in "
                + uri
                + "; known schemes: mem, pipe, mmf, tcp, ws, wss");
  }
}
