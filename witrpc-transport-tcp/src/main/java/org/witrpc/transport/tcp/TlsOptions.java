package org.witrpc.transport.tcp;

import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Objects;
import java.util.Optional;

/**
 * TLS settings of a network transport: this side's certificate and key, whom it trusts, whether a
 * server requires client certificates (mutual TLS) and whether a client checks the server's host
 * name. TLS 1.3 and 1.2 only, through the JDK's TLS implementation.
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
 * <p>Thread safety: immutable (a key store given to it must not be changed afterwards).
 */
public final class TlsOptions {

  private final boolean server;
  private final Path certificateChain;
  private final Path privateKey;
  private final KeyStore keyStore;
  private final char[] keyPassword;
  private final Path trustedCertificates;
  private final KeyStore trustStore;
  private final boolean requireClientCertificate;
  private final boolean hostnameVerification;

  private TlsOptions(
      boolean server,
      Path certificateChain,
      Path privateKey,
      KeyStore keyStore,
      char[] keyPassword,
      Path trustedCertificates,
      KeyStore trustStore,
      boolean requireClientCertificate,
      boolean hostnameVerification) {
    this.server = server;
    this.certificateChain = certificateChain;
    this.privateKey = privateKey;
    this.keyStore = keyStore;
    this.keyPassword = keyPassword;
    this.trustedCertificates = trustedCertificates;
    this.trustStore = trustStore;
    this.requireClientCertificate = requireClientCertificate;
    this.hostnameVerification = hostnameVerification;
  }

  /** A server's settings: its certificate chain and private key, both PEM files. */
  public static TlsOptions server(Path certificateChain, Path privateKey) {
    return new TlsOptions(true, null, null, null, null, null, null, false, false)
        .certificate(certificateChain, privateKey);
  }

  /** A server's settings: its certificate and key from {@code keyStore}. */
  public static TlsOptions server(KeyStore keyStore, char[] password) {
    return new TlsOptions(true, null, null, null, null, null, null, false, false)
        .certificate(keyStore, password);
  }

  /**
   * A client's settings: trusts the JDK's default certificate authorities and checks the server's
   * host name, until told otherwise.
   */
  public static TlsOptions client() {
    return new TlsOptions(false, null, null, null, null, null, null, false, true);
  }

  /**
   * A copy with this side's certificate chain and private key from PEM files (for a client: the
   * certificate it shows a server that requires one).
   */
  public TlsOptions certificate(Path certificateChain, Path privateKey) {
    Objects.requireNonNull(certificateChain, "certificateChain == null");
    Objects.requireNonNull(privateKey, "privateKey == null");
    return new TlsOptions(
        server,
        certificateChain,
        privateKey,
        null,
        null,
        trustedCertificates,
        trustStore,
        requireClientCertificate,
        hostnameVerification);
  }

  /** A copy with this side's certificate and private key from {@code keyStore}. */
  public TlsOptions certificate(KeyStore keyStore, char[] password) {
    Objects.requireNonNull(keyStore, "keyStore == null");
    Objects.requireNonNull(password, "password == null");
    return new TlsOptions(
        server,
        null,
        null,
        keyStore,
        password.clone(),
        trustedCertificates,
        trustStore,
        requireClientCertificate,
        hostnameVerification);
  }

  /**
   * A copy that trusts the certificate authorities in a PEM file (and no others): a client's trust
   * in servers, a server's in client certificates.
   */
  public TlsOptions trust(Path certificates) {
    Objects.requireNonNull(certificates, "certificates == null");
    return new TlsOptions(
        server,
        certificateChain,
        privateKey,
        keyStore,
        keyPassword,
        certificates,
        null,
        requireClientCertificate,
        hostnameVerification);
  }

  /** A copy that trusts the certificates of {@code trustStore} (and no others). */
  public TlsOptions trust(KeyStore trustStore) {
    Objects.requireNonNull(trustStore, "trustStore == null");
    return new TlsOptions(
        server,
        certificateChain,
        privateKey,
        keyStore,
        keyPassword,
        null,
        trustStore,
        requireClientCertificate,
        hostnameVerification);
  }

  /**
   * A copy for a server that requires every client to present a certificate it trusts (mutual TLS,
   * {@code clientAuth=require}); the certificate's subject is the connection's {@link
   * org.witrpc.spi.Connection#peerPrincipal()}.
   *
   * @throws IllegalStateException on a client's settings
   */
  public TlsOptions requireClientCertificate() {
    if (!server) {
      throw new IllegalStateException("requireClientCertificate applies to a server");
    }
    return new TlsOptions(
        server,
        certificateChain,
        privateKey,
        keyStore,
        keyPassword,
        trustedCertificates,
        trustStore,
        true,
        hostnameVerification);
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
    return new TlsOptions(
        server,
        certificateChain,
        privateKey,
        keyStore,
        keyPassword,
        trustedCertificates,
        trustStore,
        requireClientCertificate,
        verify);
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

  Optional<Path> certificateChain() {
    return Optional.ofNullable(certificateChain);
  }

  Optional<Path> privateKey() {
    return Optional.ofNullable(privateKey);
  }

  Optional<KeyStore> keyStore() {
    return Optional.ofNullable(keyStore);
  }

  char[] keyPassword() {
    return keyPassword == null ? null : keyPassword.clone();
  }

  Optional<Path> trustedCertificates() {
    return Optional.ofNullable(trustedCertificates);
  }

  Optional<KeyStore> trustStore() {
    return Optional.ofNullable(trustStore);
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
