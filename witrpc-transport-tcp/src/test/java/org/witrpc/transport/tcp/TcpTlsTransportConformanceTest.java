package org.witrpc.transport.tcp;

import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.TransportOptions;
import org.witrpc.transport.tcp.testkit.AbstractNetworkConformanceTest;
import org.witrpc.transport.tcp.testkit.TlsFixture;

/** {@code tcp://} with mutual TLS on 127.0.0.1 passes the transport conformance suite. */
class TcpTlsTransportConformanceTest extends AbstractNetworkConformanceTest {
  private static final TlsFixture TLS = new TlsFixture("tcp://127.0.0.1:%d");

  @Override
  protected ServerTransport newServer(String name, TransportOptions options) {
    return TcpTransport.server("127.0.0.1", port(name))
        .options(options)
        .tls(TLS.serverTls(true))
        .build();
  }

  @Override
  protected ClientTransport newClient(String name) {
    return TcpTransport.client("127.0.0.1", port(name)).tls(TLS.clientTls(true)).build();
  }
}
