package org.witrpc.transport.tcp;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.TransportOptions;
import org.witrpc.testkit.AbstractTransportTest;
import org.witrpc.transport.tcp.testkit.LoopbackBuffers;
import org.witrpc.transport.tcp.testkit.TestCertificates;
import org.witrpc.transport.tcp.testkit.TestPorts;

/** {@code tcp://} with mutual TLS on 127.0.0.1 passes the transport conformance suite. */
class TcpTlsTransportConformanceTest extends AbstractTransportTest {

  @TempDir static Path certificates;
  private static TlsOptions serverTls;
  private static TlsOptions clientTls;

  @BeforeAll
  static void makeCertificates() {
    TestCertificates maker = new TestCertificates(certificates);
    TestCertificates.Authority ca = maker.authority("conformance");
    TestCertificates.Leaf server = maker.leaf(ca, "server");
    TestCertificates.Leaf client = maker.leaf(ca, "client");
    serverTls =
        TlsOptions.server(server.chain(), server.key()).trust(ca.pem()).requireClientCertificate();
    clientTls = TlsOptions.client().trust(ca.pem()).certificate(client.chain(), client.key());
  }

  @Override
  protected String uniqueName() {
    return Integer.toString(TestPorts.free());
  }

  @Override
  protected ServerTransport newServer(String name, TransportOptions options) {
    return TcpTransport.server("127.0.0.1", Integer.parseInt(name))
        .options(options)
        .tls(serverTls)
        .build();
  }

  @Override
  protected ClientTransport newClient(String name) {
    return TcpTransport.client("127.0.0.1", Integer.parseInt(name)).tls(clientTls).build();
  }

  @Override
  protected int framePastTheBuffers() {
    return LoopbackBuffers.framePastTheBuffers();
  }

  @Override
  protected ByteBuffer frameThePeerStillTakes() {
    return LoopbackBuffers.frameThePeerStillTakes();
  }
}
