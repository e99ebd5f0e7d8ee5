package org.witrpc.transport.tcp;

import java.nio.ByteBuffer;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.TransportOptions;
import org.witrpc.testkit.AbstractTransportTest;
import org.witrpc.transport.tcp.testkit.LoopbackBuffers;
import org.witrpc.transport.tcp.testkit.TestPorts;

/**
 * Plain {@code tcp://} on 127.0.0.1 passes the transport conformance suite. A test's name is a free
 * port, so that errors and addresses, which name the port, name the test's server.
 */
class TcpTransportConformanceTest extends AbstractTransportTest {

  @Override
  protected String uniqueName() {
    return Integer.toString(TestPorts.free());
  }

  @Override
  protected ServerTransport newServer(String name, TransportOptions options) {
    return TcpTransport.server("127.0.0.1", Integer.parseInt(name)).options(options).build();
  }

  @Override
  protected ClientTransport newClient(String name) {
    return TcpTransport.client("127.0.0.1", Integer.parseInt(name)).build();
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
