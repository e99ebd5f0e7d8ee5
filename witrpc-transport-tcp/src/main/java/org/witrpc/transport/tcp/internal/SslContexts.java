package org.witrpc.transport.tcp.internal;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.util.Collections;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManagerFactory;
import org.witrpc.transport.tcp.TlsOptions;

/**
 * Builds Netty {@link SslContext}s from {@link TlsOptions}: the JDK provider, TLS 1.3 and 1.2 only,
 * endpoint identification ({@code HTTPS}) on clients unless turned off, client certificates
 * required when asked. Shared by every Netty transport of witrpc.
 *
 * <p>Thread safety: stateless; the contexts it returns are thread-safe.
 */
public final class SslContexts {

  /** The protocols offered and accepted: nothing older than TLS 1.2. */
  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  /** How long a TLS handshake may take before the connection is dropped. */
  public static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;

  private SslContexts() {}

  /**
   * The context of a server or client.
   *
   * @throws IllegalArgumentException if a file cannot be read or a key store entry is unusable
   */
  public static SslContext build(TlsOptions options) {
    TlsAccess.Settings settings = TlsAccess.read(options);
    if (settings.requireClientCertificate()
        && settings.trustedCertificates().isEmpty()
        && settings.trustStore().isEmpty()) {
      // Netty would fall back to the JDK's default trust store: its public certificate authorities
      // would vouch for clients, so anyone with a certificate bought from one would be let in
      throw new IllegalArgumentException(
          "cannot set up TLS with "
              + options
              + ": clientAuth=require needs trust (the certificate authorities of the clients'"
              + " certificates); without it the JDK's default trust store would be used");
    }
    try {
      settings.certificateChain().ifPresent(f -> TlsFiles.checkReadable("certificate chain", f));
      settings.privateKey().ifPresent(f -> TlsFiles.checkReadable("private key", f));
      settings.trustedCertificates().ifPresent(f -> TlsFiles.checkReadable("trust", f));
      SslContextBuilder builder =
          settings.server() ? serverBuilder(settings) : clientBuilder(settings);
      SslContext context = builder.sslProvider(SslProvider.JDK).protocols(PROTOCOLS).build();
      // after the build, so that a file the library cannot read keeps the library's message
      if (settings.certificateChain().isPresent()) {
        TlsFiles.checkKeyMatches(
            settings.certificateChain().orElseThrow(), settings.privateKey().orElseThrow());
      }
      return context;
    } catch (SSLException | GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot set up TLS with "
              + options
              + ": "
              + (e.getMessage() != null ? e.getMessage() : e.toString()),
          e);
    }
  }

  /** A handler for one new connection; a client's names the host for SNI and its identity check. */
  public static SslHandler newHandler(
      SslContext context, ByteBufAllocator alloc, String host, int port) {
    SslHandler handler =
        context.isClient() ? context.newHandler(alloc, host, port) : context.newHandler(alloc);
    handler.setHandshakeTimeout(HANDSHAKE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    return handler;
  }

  /** The subject of the peer's verified TLS certificate, or null (no TLS, no certificate). */
  public static Principal peerPrincipal(ChannelPipeline pipeline) {
    SslHandler ssl = pipeline.get(SslHandler.class);
    if (ssl == null) {
      return null;
    }
    try {
      return ssl.engine().getSession().getPeerPrincipal();
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  private static SslContextBuilder serverBuilder(TlsAccess.Settings options)
      throws GeneralSecurityException {
    SslContextBuilder builder =
        options.keyStore().isPresent()
            ? SslContextBuilder.forServer(keyManagers(options))
            : SslContextBuilder.forServer(
                options.certificateChain().orElseThrow().toFile(),
                options.privateKey().orElseThrow().toFile());
    trust(builder, options);
    return builder.clientAuth(
        options.requireClientCertificate() ? ClientAuth.REQUIRE : ClientAuth.NONE);
  }

  private static SslContextBuilder clientBuilder(TlsAccess.Settings options)
      throws GeneralSecurityException {
    SslContextBuilder builder = SslContextBuilder.forClient();
    if (options.keyStore().isPresent()) {
      builder.keyManager(keyManagers(options));
    } else if (options.certificateChain().isPresent()) {
      builder.keyManager(
          options.certificateChain().orElseThrow().toFile(),
          options.privateKey().orElseThrow().toFile());
    }
    trust(builder, options);
    // null turns the check off; Netty's default may change, so it is always set
    return builder.endpointIdentificationAlgorithm(options.hostnameVerification() ? "HTTPS" : null);
  }

  private static void trust(SslContextBuilder builder, TlsAccess.Settings options)
      throws GeneralSecurityException {
    if (options.trustedCertificates().isPresent()) {
      builder.trustManager(options.trustedCertificates().orElseThrow().toFile());
    } else if (options.trustStore().isPresent()) {
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(options.trustStore().orElseThrow());
      builder.trustManager(factory);
    }
    // else the JDK's default trust (a client's certificate authorities)
  }

  private static KeyManagerFactory keyManagers(TlsAccess.Settings options)
      throws GeneralSecurityException {
    KeyStore store = options.keyStore().orElseThrow();
    checkHasKey(store, options.keyPassword());
    KeyManagerFactory factory =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, options.keyPassword());
    return factory;
  }

  /**
   * Refuses a key store without a private key that {@code password} recovers (a trust store given
   * by mistake, say), with which every TLS handshake would fail with "handshake_failure".
   */
  private static void checkHasKey(KeyStore store, char[] password) throws GeneralSecurityException {
    boolean keyEntries = false;
    for (String alias : Collections.list(store.aliases())) {
      if (!store.isKeyEntry(alias)) {
        continue;
      }
      keyEntries = true;
      try {
        if (store.getKey(alias, password) instanceof PrivateKey) {
          return;
        }
      } catch (UnrecoverableKeyException e) {
        // another entry may open with the password
      }
    }
    throw new IllegalArgumentException(
        keyEntries
            ? "the key store has no private key that the given password recovers"
            : "the key store holds no private key, only certificates (is it a trust store?)");
  }
}
