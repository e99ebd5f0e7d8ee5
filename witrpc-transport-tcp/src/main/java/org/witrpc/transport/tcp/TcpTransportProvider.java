package org.witrpc.transport.tcp;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.TransportOptions;
import org.witrpc.spi.TransportProvider;

/**
 * The {@code tcp} scheme for {@link org.witrpc.Transports}: {@code tcp://HOST:PORT} ({@code
 * tcp://[::1]:7000} for IPv6; port 0 on a server for any free port). Query options, which override
 * the {@link TransportOptions} passed in:
 *
 * <ul>
 *   <li>{@code maxClients}, {@code maxFrameSize} (bytes, suffixes allowed: {@code 64MiB}), {@code
 *       sendTimeout} (a duration: {@code 500ms}, {@code 10s}), as for every transport;
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
    TcpUri parsed = TcpUri.parse(uri);
    TcpServerTransport.Builder builder =
        new TcpServerTransport.Builder(parsed.endpoint())
            .options(parsed.applyTo(defaults))
            .heartbeat(parsed.heartbeat().interval(), parsed.heartbeat().misses());
    serverTls(parsed).ifPresent(builder::tls);
    parsed.flag("insecure").ifPresent(builder::insecure);
    return builder.build();
  }

  @Override
  public ClientTransport client(URI uri, TransportOptions defaults) {
    Objects.requireNonNull(uri, "uri == null");
    Objects.requireNonNull(defaults, "defaults == null");
    TcpUri parsed = TcpUri.parse(uri);
    if (parsed.endpoint().port() == 0) {
      throw parsed.invalid("a client needs the server's port, not 0");
    }
    TcpClientTransport.Builder builder =
        new TcpClientTransport.Builder(parsed.endpoint())
            .options(parsed.applyTo(defaults))
            .heartbeat(parsed.heartbeat().interval(), parsed.heartbeat().misses());
    clientTls(parsed).ifPresent(builder::tls);
    return builder.build();
  }

  private static Optional<TlsOptions> serverTls(TcpUri uri) {
    if (!tlsWanted(uri)) {
      return Optional.empty();
    }
    Optional<Path> certificate = uri.path("certificate");
    Optional<Path> key = uri.path("key");
    if (certificate.isEmpty() || key.isEmpty()) {
      throw uri.invalid("a TLS server needs certificate=PEM-FILE and key=PEM-FILE");
    }
    TlsOptions tls = TlsOptions.server(certificate.get(), key.get());
    Optional<Path> trust = uri.path("trust");
    if (trust.isPresent()) {
      tls = tls.trust(trust.get());
    }
    String clientAuth = uri.option("clientAuth").orElse("none").trim().toLowerCase(Locale.ROOT);
    switch (clientAuth) {
      case "require":
        return Optional.of(tls.requireClientCertificate());
      case "none":
        return Optional.of(tls);
      default:
        throw uri.invalid("clientAuth must be require or none, not '" + clientAuth + "'");
    }
  }

  private static Optional<TlsOptions> clientTls(TcpUri uri) {
    if (!tlsWanted(uri)) {
      return Optional.empty();
    }
    TlsOptions tls = TlsOptions.client();
    Optional<Path> trust = uri.path("trust");
    if (trust.isPresent()) {
      tls = tls.trust(trust.get());
    }
    Optional<Path> certificate = uri.path("certificate");
    Optional<Path> key = uri.path("key");
    if (certificate.isPresent() != key.isPresent()) {
      throw uri.invalid("a client certificate needs both certificate=PEM-FILE and key=PEM-FILE");
    }
    if (certificate.isPresent()) {
      tls = tls.certificate(certificate.get(), key.get());
    }
    Optional<Boolean> verify = uri.flag("hostnameVerification");
    if (verify.isPresent()) {
      tls = tls.hostnameVerification(verify.get());
    }
    return Optional.of(tls);
  }

  /** Whether the URI asks for TLS: {@code tls=true} or any TLS setting (not with tls=false). */
  private static boolean tlsWanted(TcpUri uri) {
    boolean settings =
        uri.option("certificate").isPresent()
            || uri.option("key").isPresent()
            || uri.option("trust").isPresent()
            || uri.option("clientAuth").isPresent()
            || uri.option("hostnameVerification").isPresent();
    Optional<Boolean> tls = uri.flag("tls");
    if (tls.isPresent() && !tls.get() && settings) {
      throw uri.invalid("tls=false contradicts the TLS settings given");
    }
    return tls.orElse(settings);
  }
}
