package org.witrpc.transport.tcp;

import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.TransportOptions;
import org.witrpc.transport.tcp.testkit.AbstractNetworkConformanceTest;

/** Plain {@code tcp://} on 127.0.0.1 passes the transport conformance suite. */
class TcpTransportConformanceTest extends AbstractNetworkConformanceTest {

  @Override
  protected ServerTransport newServer(String name, TransportOptions options) {
    return TcpTransport.server("127.0.0.1", port(name)).options(options).build();
  }

  @Override
  protected ClientTransport newClient(String name) {
    return TcpTransport.client("127.0.0.1", port(name)).build();
  }
}
