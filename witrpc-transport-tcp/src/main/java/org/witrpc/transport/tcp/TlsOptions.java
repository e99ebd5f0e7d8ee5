package org.witrpc.transport.tcp;

import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Objects;
import java.util.Optional;
import org.witrpc.transport.tcp.internal.TlsAccess;

/**
 * TLS settings of a network transport ({@code tcp://}, {@code wss://}): this side's certificate and
 * key, whom it trusts, whether a server requires client certificates (mutual TLS) and whether a
 * client checks the server's host name. TLS 1.3 and 1.2 only, through the JDK's TLS implementation.
 *
 * <pre>{@code
 * TlsOptions server = TlsOptions.server(Path.of("server.pem"), Path.of("server.key"));
 * TlsOptions client = TlsOptions.client().trust(Path.of("ca.pem"));
 * // mutual TLS
 * TlsOptions mtlsServer = server.trust(Path.of("clients-ca.pem")).requireClientCertificate();
 * TlsOptions mtlsClient = client.certificate(Path.of("client.pem"), Path.of("client.key"));
 * }</pre>
 *
 * <p>Certificates are PEM files (a chain: the certificate first, then its issuers); private keys
 * are unencrypted PKCS#8 PEM files ({@code -----BEGIN PRIVATE KEY-----}, as {@code openssl genpkey}
 * writes them) or entries of a {@link KeyStore}. A client that is given no trust uses the JDK's
 * default trust store. Files are read when the transport is built.
 *
 * <p>Thread safety: immutable once returned (every method returns a new instance; a key store given
 * to it must not be changed afterwards).
 */
public final class TlsOptions {

  static {
    // the Netty transports read the settings through TlsAccess; they are not API
    TlsAccess.install(TlsOptions::settings);
  }

  private final boolean server;
  // not final only so that the copy methods can set one field of a fresh copy before returning it
  private Path certificateChain;
  private Path privateKey;
  private KeyStore keyStore;
  private char[] keyPassword;
  private Path trustedCertificates;
  private KeyStore trustStore;
  private boolean requireClientCertificate;
  private boolean hostnameVerification;

  private TlsOptions(boolean server) {
    this.server = server;
    this.hostnameVerification = !server;
  }

  private TlsOptions copy() {
    TlsOptions copy = new TlsOptions(server);
    copy.certificateChain = certificateChain;
    copy.privateKey = privateKey;
    copy.keyStore = keyStore;
    copy.keyPassword = keyPassword;
    copy.trustedCertificates = trustedCertificates;
    copy.trustStore = trustStore;
    copy.requireClientCertificate = requireClientCertificate;
    copy.hostnameVerification = hostnameVerification;
    return copy;
  }

  /** A server's settings: its certificate chain and private key, both PEM files. */
  public static TlsOptions server(Path certificateChain, Path privateKey) {
    return new TlsOptions(true).certificate(certificateChain, privateKey);
  }

  /** A server's settings: its certificate and key from {@code keyStore}. */
  public static TlsOptions server(KeyStore keyStore, char[] password) {
    return new TlsOptions(true).certificate(keyStore, password);
  }

  /**
   * A client's settings: trusts the JDK's default certificate authorities and checks the server's
   * host name, until told otherwise.
   */
  public static TlsOptions client() {
    return new TlsOptions(false);
  }

  /**
   * A copy with this side's certificate chain and private key from PEM files (for a client: the
   * certificate it shows a server that requires one).
   */
  public TlsOptions certificate(Path certificateChain, Path privateKey) {
    TlsOptions copy = copy();
    copy.certificateChain = Objects.requireNonNull(certificateChain, "certificateChain == null");
    copy.privateKey = Objects.requireNonNull(privateKey, "privateKey == null");
    copy.keyStore = null;
    copy.keyPassword = null;
    return copy;
  }

  /** A copy with this side's certificate and private key from {@code keyStore}. */
  public TlsOptions certificate(KeyStore keyStore, char[] password) {
    TlsOptions copy = copy();
    copy.keyStore = Objects.requireNonNull(keyStore, "keyStore == null");
    copy.keyPassword = Objects.requireNonNull(password, "password == null").clone();
    copy.certificateChain = null;
    copy.privateKey = null;
    return copy;
  }

  /**
   * A copy that trusts the certificate authorities in a PEM file (and no others): a client's trust
   * in servers, a server's in client certificates.
   */
  public TlsOptions trust(Path certificates) {
    TlsOptions copy = copy();
    copy.trustedCertificates = Objects.requireNonNull(certificates, "certificates == null");
    copy.trustStore = null;
    return copy;
  }

  /** A copy that trusts the certificates of {@code trustStore} (and no others). */
  public TlsOptions trust(KeyStore trustStore) {
    TlsOptions copy = copy();
    copy.trustStore = Objects.requireNonNull(trustStore, "trustStore == null");
    copy.trustedCertificates = null;
    return copy;
  }

  /**
   * A copy for a server that requires every client to present a certificate it trusts (mutual TLS,
   * {@code clientAuth=require}); the certificate's subject is the connection's {@link
   * org.witrpc.spi.Connection#peerPrincipal()}. Needs a {@code trust}: a transport built without
   * one is refused ({@code IllegalArgumentException}), never left to the JDK's default trust store,
   * whose public certificate authorities would admit anyone who has a certificate from them.
   *
   * @throws IllegalStateException on a client's settings
   */
  public TlsOptions requireClientCertificate() {
    if (!server) {
      throw new IllegalStateException("requireClientCertificate applies to a server");
    }
    TlsOptions copy = copy();
    copy.requireClientCertificate = true;
    return copy;
  }

  /**
   * A copy for a client that checks (true, the default) or does not check that the server's
   * certificate names the host it connects to. Turning it off lets any certificate the client
   * trusts stand for any server: only for tests or a private certificate authority.
   *
   * @throws IllegalStateException on a server's settings
   */
  public TlsOptions hostnameVerification(boolean verify) {
    if (server) {
      throw new IllegalStateException("hostnameVerification applies to a client");
    }
    TlsOptions copy = copy();
    copy.hostnameVerification = verify;
    return copy;
  }

  /** True for a server's settings. */
  public boolean isServer() {
    return server;
  }

  /** Whether a server requires client certificates. */
  public boolean requiresClientCertificate() {
    return requireClientCertificate;
  }

  /** Whether a client checks the server's host name. */
  public boolean verifiesHostname() {
    return hostnameVerification;
  }

  private TlsAccess.Settings settings() {
    return new TlsAccess.Settings(
        server,
        Optional.ofNullable(certificateChain),
        Optional.ofNullable(privateKey),
        Optional.ofNullable(keyStore),
        keyPassword == null ? null : keyPassword.clone(),
        Optional.ofNullable(trustedCertificates),
        Optional.ofNullable(trustStore),
        requireClientCertificate,
        hostnameVerification);
  }

  @Override
  public String toString() {
    return "TlsOptions{"
        + (server ? "server" : "client")
        + (certificateChain != null ? ", certificate=" + certificateChain : "")
        + (keyStore != null ? ", certificate from a key store" : "")
        + (trustedCertificates != null ? ", trust=" + trustedCertificates : "")
        + (trustStore != null ? ", trust from a key store" : "")
        + (server && requireClientCertificate ? ", clientAuth=require" : "")
        + (!server && !hostnameVerification ? ", hostnameVerification=false" : "")
        + "}";
  }
}
