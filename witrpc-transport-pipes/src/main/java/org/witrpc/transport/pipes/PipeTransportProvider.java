package org.witrpc.transport.pipes;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.PeerPolicy;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.TransportOptions;
import org.witrpc.spi.TransportProvider;
import org.witrpc.spi.TransportUri;

/**
 * The {@code pipe} scheme for {@link org.witrpc.Transports}: {@code pipe://NAME} (socket {@code
 * NAME.sock} in the runtime directory) or {@code pipe:///absolute/path.sock}, with the query
 * options {@code maxClients} (a number), {@code maxFrameSize} (bytes, suffixes allowed: {@code
 * 64MiB}) and {@code sendTimeout} (a duration: {@code 500ms}, {@code 10s}), which override the
 * {@link TransportOptions} passed in, and {@code peerUsers} (user names or uids, comma-separated,
 * or {@code *}: see {@link PeerPolicy}). The query is read by {@link TransportUri}:
 * percent-decoded, strict about empty, repeated and unknown options. Registered through {@code
 * META-INF/services/org.witrpc.spi.TransportProvider}.
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
public final class PipeTransportProvider implements TransportProvider {

  private static final List<String> OPTIONS =
      List.of(
          TransportUri.MAX_CLIENTS,
          TransportUri.MAX_FRAME_SIZE,
          TransportUri.SEND_TIMEOUT,
          PeerPolicy.URI_OPTION);

  /** Public for {@link java.util.ServiceLoader}. */
  public PipeTransportProvider() {}

  @Override
  public String scheme() {
    return PipeEndpoint.SCHEME;
  }

  @Override
  public ServerTransport server(URI uri, TransportOptions defaults) {
    TransportUri parsed = TransportUri.parse(uri, PipeEndpoint.SCHEME, OPTIONS);
    String name = name(parsed);
    return configure(
            name != null ? PipeTransport.server(name) : PipeTransport.server(socketPath(parsed)),
            parsed,
            defaults)
        .build();
  }

  @Override
  public ClientTransport client(URI uri, TransportOptions defaults) {
    TransportUri parsed = TransportUri.parse(uri, PipeEndpoint.SCHEME, OPTIONS);
    String name = name(parsed);
    return configure(
            name != null ? PipeTransport.client(name) : PipeTransport.client(socketPath(parsed)),
            parsed,
            defaults)
        .build();
  }

  private static <B extends PipeBuilder<B>> B configure(
      B builder, TransportUri uri, TransportOptions defaults) {
    builder.options(uri.applyTo(Objects.requireNonNull(defaults, "defaults == null")));
    uri.peerPolicy().ifPresent(builder::peerPolicy);
    return builder;
  }

  /** The name of {@code pipe://NAME}, or null for {@code pipe:///path}. */
  private static String name(TransportUri uri) {
    if (uri.uri().isOpaque()) {
      throw uri.invalid("expected pipe://NAME or pipe:///absolute/path.sock");
    }
    String authority = uri.uri().getAuthority();
    String path = uri.uri().getPath();
    if (authority == null || authority.isEmpty()) {
      if (path == null || path.isEmpty() || path.equals("/")) {
        throw uri.invalid("no name or socket path; expected pipe://NAME");
      }
      return null;
    }
    if (path != null && !path.isEmpty()) {
      throw uri.invalid(
          "a name cannot have a path; for an absolute socket path use three slashes:"
              + " pipe:///absolute/path.sock");
    }
    return authority;
  }

  private static Path socketPath(TransportUri uri) {
    return uri.check(() -> PipeEndpoint.path(Path.of(uri.uri().getPath())).socket());
  }
}
