package org.witrpc.transport.tcp.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.witrpc.transport.tcp.TlsOptions;

/**
 * One set of test certificates for a test class (a CA, a server certificate for localhost and
 * 127.0.0.1, a client certificate) and the TLS URIs of a network transport that use them. Files go
 * to a temporary directory deleted at exit.
 */
public final class TlsFixture {
  public final Path directory;
  public final TestCertificates.Authority ca;
  public final TestCertificates.Leaf server;
  public final TestCertificates.Leaf client;
  private final String addressFormat;

  /**
   * @param addressFormat the address on 127.0.0.1 with {@code %d} for the port, for example {@code
   *     "tcp://127.0.0.1:%d"} or {@code "wss://127.0.0.1:%d/rpc"}
   */
  public TlsFixture(String addressFormat) {
    this.addressFormat = addressFormat;
    try {
      directory = Files.createTempDirectory("witrpc-tls-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    directory.toFile().deleteOnExit();
    TestCertificates maker = new TestCertificates(directory);
    ca = maker.authority("ca");
    server = maker.leaf(ca, "server");
    client = maker.leaf(ca, "client");
    for (Path file :
        new Path[] {ca.pem(), server.chain(), server.key(), client.chain(), client.key()}) {
      file.toFile().deleteOnExit();
    }
  }

  /** A TLS server's URI on {@code port}, requiring client certificates if {@code mutual}. */
  public String serverUri(int port, boolean mutual) {
    return String.format(addressFormat, port)
        + "?certificate="
        + server.chain()
        + "&key="
        + server.key()
        + (mutual ? "&trust=" + ca.pem() + "&clientAuth=require" : "");
  }

  /** A TLS client's URI for {@code port}, with a client certificate if {@code mutual}. */
  public String clientUri(int port, boolean mutual) {
    return String.format(addressFormat, port)
        + "?trust="
        + ca.pem()
        + (mutual ? "&certificate=" + client.chain() + "&key=" + client.key() : "");
  }

  /** A server's {@link TlsOptions}, requiring client certificates of the CA if {@code mutual}. */
  public TlsOptions serverTls(boolean mutual) {
    TlsOptions tls = TlsOptions.server(server.chain(), server.key());
    return mutual ? tls.trust(ca.pem()).requireClientCertificate() : tls;
  }

  /**
   * A client's {@link TlsOptions} trusting the CA, with the client certificate if {@code mutual}.
   */
  public TlsOptions clientTls(boolean mutual) {
    TlsOptions tls = TlsOptions.client().trust(ca.pem());
    return mutual ? tls.certificate(client.chain(), client.key()) : tls;
  }
}
