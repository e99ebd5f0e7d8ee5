package org.witrpc.transport.tcp.internal;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.transport.tcp.TlsOptions;

/**
 * The TLS options of a network transport URI ({@code certificate}, {@code key}, {@code trust},
 * {@code clientAuth}, {@code hostnameVerification}, {@code tls}) as {@link TlsOptions}: any of them
 * turns TLS on, {@code tls=true} alone gives a client the JDK's default trust.
 *
 * <p>Thread safety: stateless.
 */
public final class UriTls {
  private static final Logger LOG = LoggerFactory.getLogger(UriTls.class);

  private UriTls() {}

  /**
   * A server's TLS settings from the URI: none unless TLS is asked for. The client's {@code
   * hostnameVerification} is checked but has no effect here.
   */
  public static Optional<TlsOptions> server(NetworkUri uri) {
    boolean requireClientCertificate = clientAuth(uri);
    uri.flag("hostnameVerification");
    if (!tlsWanted(uri)) {
      return Optional.empty();
    }
    Optional<Path> certificate = uri.file("certificate");
    Optional<Path> key = uri.file("key");
    if (certificate.isEmpty() || key.isEmpty()) {
      throw uri.invalid("a TLS server needs certificate=PEM-FILE and key=PEM-FILE");
    }
    TlsOptions tls = TlsOptions.server(certificate.get(), key.get());
    Optional<Path> trust = uri.file("trust");
    if (trust.isPresent()) {
      tls = tls.trust(trust.get());
    }
    if (requireClientCertificate) {
      if (trust.isEmpty()) {
        throw uri.invalid(
            "clientAuth=require needs trust=PEM-FILE, the certificate authorities of the clients'"
                + " certificates (without it the JDK's default trust store would be used)");
      }
      return Optional.of(tls.requireClientCertificate());
    }
    if (trust.isPresent()) {
      // one URI may serve both sides (the client's trust), but it may also be a mistake
      LOG.warn(
          "{}: trust= without clientAuth=require: this server accepts any client; its trust"
              + " only checks client certificates with clientAuth=require",
          uri);
    }
    return Optional.of(tls);
  }

  /** A client's TLS settings from the URI: none unless TLS is asked for. */
  public static Optional<TlsOptions> client(NetworkUri uri) {
    clientAuth(uri); // the server's option: checked, no effect here
    Optional<Boolean> verify = uri.flag("hostnameVerification");
    if (!tlsWanted(uri)) {
      return Optional.empty();
    }
    TlsOptions tls = TlsOptions.client();
    Optional<Path> trust = uri.file("trust");
    if (trust.isPresent()) {
      tls = tls.trust(trust.get());
    }
    Optional<Path> certificate = uri.file("certificate");
    Optional<Path> key = uri.file("key");
    if (certificate.isPresent() != key.isPresent()) {
      throw uri.invalid("a client certificate needs both certificate=PEM-FILE and key=PEM-FILE");
    }
    if (certificate.isPresent()) {
      tls = tls.certificate(certificate.get(), key.get());
    }
    if (verify.isPresent()) {
      tls = tls.hostnameVerification(verify.get());
    }
    return Optional.of(tls);
  }

  /** Whether {@code clientAuth} is {@code require} (true) or {@code none} or absent (false). */
  private static boolean clientAuth(NetworkUri uri) {
    String clientAuth = uri.option("clientAuth").orElse("none").trim().toLowerCase(Locale.ROOT);
    switch (clientAuth) {
      case "require":
        return true;
      case "none":
        return false;
      default:
        throw uri.invalid("clientAuth must be require or none, not '" + clientAuth + "'");
    }
  }

  /** Whether the URI asks for TLS: {@code tls=true} or any TLS setting (not with tls=false). */
  private static boolean tlsWanted(NetworkUri uri) {
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
