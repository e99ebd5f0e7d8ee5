package org.witrpc.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.witrpc.Transports;
import org.witrpc.transport.tcp.testkit.TestCertificates;

/**
 * TLS files that cannot work are refused when the transport is built, with a message that names the
 * file and the problem: a missing file as missing (not as one without valid certificates), and a
 * private key of another certificate (with which the server would start and fail every handshake).
 */
class TcpTlsFilesTest {
  @TempDir static Path directory;
  static TestCertificates.Authority ca;
  static TestCertificates.Leaf server;
  static TestCertificates.Leaf other;

  @BeforeAll
  static void makeCertificates() {
    TestCertificates maker = new TestCertificates(directory);
    ca = maker.authority("ca");
    server = maker.leaf(ca, "server");
    other = maker.leaf(ca, "other");
  }

  @Test
  void aMissingFileIsNamedAsMissing() {
    Path missing = directory.resolve("missing.pem");
    assertThatThrownBy(
            () ->
                TcpTransport.server("127.0.0.1", 0)
                    .tls(TlsOptions.server(missing, server.key()))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the certificate chain file " + missing + " does not exist");
    assertThatThrownBy(() -> Transports.client("tcp://127.0.0.1:7000?trust=" + missing))
        .hasMessageContaining("the trust file " + missing + " does not exist");
    assertThatThrownBy(() -> Transports.client("tcp://127.0.0.1:7000?trust=" + directory))
        .hasMessageContaining("is not a file");
  }

  @Test
  void aKeyOfAnotherCertificateIsRefusedOnEitherSide() {
    assertThatThrownBy(
            () ->
                TcpTransport.server("127.0.0.1", 0)
                    .tls(TlsOptions.server(server.chain(), other.key()))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "the private key in "
                + other.key()
                + " does not belong to the certificate in "
                + server.chain());
    assertThatThrownBy(
            () ->
                Transports.client(
                    "tcp://127.0.0.1:7000?trust="
                        + ca.pem()
                        + "&certificate="
                        + server.chain()
                        + "&key="
                        + other.key()))
        .hasMessageContaining("does not belong to the certificate");
    assertThat(
            TcpTransport.server("127.0.0.1", 0)
                .tls(TlsOptions.server(server.chain(), server.key()))
                .build()
                .isTls())
        .isTrue();
  }
}
