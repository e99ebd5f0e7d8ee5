package org.witrpc;

import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.TransportOptions;
import org.witrpc.testkit.AbstractTransportTest;

/** The in-process transport passes the transport conformance suite like every real transport. */
class MemTransportConformanceTest extends AbstractTransportTest {

  @Override
  protected ServerTransport newServer(String name, TransportOptions options) {
    return MemTransport.server(name, options);
  }

  @Override
  protected ClientTransport newClient(String name) {
    return MemTransport.client(name);
  }

  @Override
  protected boolean sendsWaitForTheReader() {
    return false; // a send copies the frame into the peer's in-memory inbox
  }
}
