package org.witrpc.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.witrpc.Transports;
import org.witrpc.transport.tcp.testkit.TestCertificates;

/**
 * TLS settings that would make a server trust the wrong clients, or fail every handshake, are
 * refused when the transport is built, in the URI and in the builder: {@code clientAuth=require}
 * without a {@code trust} (which left client certificates to the JDK's default trust store, its
 * public certificate authorities), and a key store with no private key the password recovers.
 */
class TcpTlsSettingsTest {
  @TempDir static Path directory;
  static TestCertificates.Authority ca;
  static TestCertificates.Leaf server;

  @BeforeAll
  static void makeCertificates() {
    TestCertificates maker = new TestCertificates(directory);
    ca = maker.authority("ca");
    server = maker.leaf(ca, "server");
  }

  @Test
  void clientAuthRequireWithoutTrustIsRefusedNamingTrust() {
    String uri =
        "tcp://127.0.0.1:0?certificate="
            + server.chain()
            + "&key="
            + server.key()
            + "&clientAuth=require";
    assertThatThrownBy(() -> Transports.server(uri))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("clientAuth=require needs trust");
    assertThatThrownBy(
            () ->
                TcpTransport.server("127.0.0.1", 0)
                    .tls(TlsOptions.server(server.chain(), server.key()).requireClientCertificate())
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("clientAuth=require needs trust");
    // with a trust, in either order, it builds
    assertThat(Transports.server(uri + "&trust=" + ca.pem())).isNotNull();
    assertThat(
            TcpTransport.server("127.0.0.1", 0)
                .tls(
                    TlsOptions.server(server.chain(), server.key())
                        .requireClientCertificate()
                        .trust(ca.pem()))
                .build()
                .isTls())
        .isTrue();
  }

  @Test
  void aKeyStoreWithoutAPrivateKeyIsRefused() throws Exception {
    KeyStore trustStore = KeyStore.getInstance("PKCS12");
    trustStore.load(null, null);
    trustStore.setCertificateEntry("ca", ca.certificate());
    assertThatThrownBy(
            () ->
                TcpTransport.server("127.0.0.1", 0)
                    .tls(TlsOptions.server(trustStore, "secret".toCharArray()))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the key store holds no private key");
    assertThatThrownBy(
            () ->
                TcpTransport.client("127.0.0.1", 7000)
                    .tls(TlsOptions.client().trust(ca.pem()).certificate(trustStore, new char[0]))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the key store holds no private key");
  }

  @Test
  void aKeyStoreWhosePasswordOpensNoKeyIsRefused() throws Exception {
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    keyStore.load(null, null);
    keyStore.setKeyEntry(
        "ca", ca.keys().getPrivate(), "right".toCharArray(), new Certificate[] {ca.certificate()});
    assertThatThrownBy(
            () ->
                TcpTransport.server("127.0.0.1", 0)
                    .tls(TlsOptions.server(keyStore, "wrong".toCharArray()))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no private key that the given password recovers");
    assertThat(
            TcpTransport.server("127.0.0.1", 0)
                .tls(TlsOptions.server(keyStore, "right".toCharArray()))
                .build()
                .isTls())
        .isTrue();
  }
}
