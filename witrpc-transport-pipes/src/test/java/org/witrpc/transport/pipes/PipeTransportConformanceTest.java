package org.witrpc.transport.pipes;

import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.TransportOptions;
import org.witrpc.testkit.AbstractTransportTest;

/** The pipe transport passes the transport conformance suite. */
class PipeTransportConformanceTest extends AbstractTransportTest {

  @Override
  protected ServerTransport newServer(String name, TransportOptions options) {
    return PipeTransport.server(name).options(options).build();
  }

  @Override
  protected ClientTransport newClient(String name) {
    return PipeTransport.client(name).build();
  }
}
