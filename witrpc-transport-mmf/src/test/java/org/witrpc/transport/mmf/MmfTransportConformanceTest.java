package org.witrpc.transport.mmf;

import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.TransportOptions;
import org.witrpc.testkit.AbstractTransportTest;

/**
 * The shared-memory transport passes the transport conformance suite. Each connection gets only 64
 * KiB of shared memory (two 32 KiB rings), so the suite's 64 MiB frames go through fragmentation
 * and back-pressure thousands of times.
 */
class MmfTransportConformanceTest extends AbstractTransportTest {

  @Override
  protected ServerTransport newServer(String name, TransportOptions options) {
    return MmfTransport.server(name).options(options).size("64KiB").build();
  }

  @Override
  protected ClientTransport newClient(String name) {
    return MmfTransport.client(name).build();
  }
}
