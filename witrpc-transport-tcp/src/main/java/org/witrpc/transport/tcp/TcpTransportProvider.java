package org.witrpc.transport.tcp;

import java.net.URI;
import java.util.Objects;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.TransportOptions;
import org.witrpc.spi.TransportProvider;
import org.witrpc.transport.tcp.internal.NetworkUri;
import org.witrpc.transport.tcp.internal.UriTls;

/**
 * The {@code tcp} scheme for {@link org.witrpc.Transports}: {@code tcp://HOST:PORT} ({@code
 * tcp://[::1]:7000} for IPv6; port 0 on a server for any free port). Query options, which override
 * the {@link TransportOptions} passed in:
 *
 * <ul>
 *   <li>{@code maxClients}, {@code maxFrameSize} (bytes, suffixes allowed: {@code 64MiB}), {@code
 *       sendTimeout} (a duration: {@code 500ms}, {@code 10s}), as for every transport;
 *   <li>{@code maxHandshakes} (server, default 128): most sockets in their TLS handshake or hello
 *       at once; they take no client slot, and one more closes the one that waited longest;
 *   <li>{@code heartbeat} (interval, default {@code 5s}, {@code 0} for off), {@code
 *       heartbeatMisses} (default 3);
 *   <li>TLS: {@code certificate} and {@code key} (PEM files: the server's, or a client's under
 *       mutual TLS), {@code trust} (a PEM file of certificate authorities: whom a client trusts, or
 *       whose client certificates a server accepts), {@code clientAuth=require} (server: mutual
 *       TLS), {@code hostnameVerification=false} (client: not recommended), {@code tls=true} (a
 *       client with the JDK's default trust); any of them turns TLS on;
 *   <li>{@code insecure=true}: a server may listen without TLS on a non-loopback address.
 * </ul>
 *
 * Options that concern only the other side are ignored, so that one URI can serve both. Key stores
 * are set through the builders ({@link TlsOptions}). Registered through {@code
 * META-INF/services/org.witrpc.spi.TransportProvider}.
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
public final class TcpTransportProvider implements TransportProvider {

  /** Public for {@link java.util.ServiceLoader}. */
  public TcpTransportProvider() {}

  @Override
  public String scheme() {
    return TcpEndpoint.SCHEME;
  }

  @Override
  public ServerTransport server(URI uri, TransportOptions defaults) {
    Objects.requireNonNull(uri, "uri == null");
    Objects.requireNonNull(defaults, "defaults == null");
    NetworkUri parsed = NetworkUri.parse(uri, TcpEndpoint.SCHEME, TcpEndpoint.FORM, false);
    TcpServerTransport.Builder builder =
        new TcpServerTransport.Builder(TcpEndpoint.of(parsed.host(), parsed.port()))
            .options(parsed.applyTo(defaults));
    parsed.configure(builder.settings());
    UriTls.server(parsed).ifPresent(builder::tls);
    return builder.build();
  }

  @Override
  public ClientTransport client(URI uri, TransportOptions defaults) {
    Objects.requireNonNull(uri, "uri == null");
    Objects.requireNonNull(defaults, "defaults == null");
    NetworkUri parsed = NetworkUri.parse(uri, TcpEndpoint.SCHEME, TcpEndpoint.FORM, false);
    if (parsed.port() == 0) {
      throw parsed.invalid("a client needs the server's port, not 0");
    }
    TcpClientTransport.Builder builder =
        new TcpClientTransport.Builder(TcpEndpoint.of(parsed.host(), parsed.port()))
            .options(parsed.applyTo(defaults));
    parsed.configure(builder.settings());
    UriTls.client(parsed).ifPresent(builder::tls);
    return builder.build();
  }
}
