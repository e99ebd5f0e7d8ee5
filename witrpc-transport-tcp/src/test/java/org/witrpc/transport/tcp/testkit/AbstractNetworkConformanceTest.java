package org.witrpc.transport.tcp.testkit;

import java.nio.ByteBuffer;
import org.witrpc.testkit.AbstractTransportTest;

/**
 * The transport conformance suite on a network transport on 127.0.0.1: a test's name is a free
 * port, so that errors and addresses, which name the port, name the test's server; the frames that
 * fill the socket buffers are those of loopback ({@link LoopbackBuffers}).
 */
public abstract class AbstractNetworkConformanceTest extends AbstractTransportTest {

  /** For the subclass of each transport. */
  protected AbstractNetworkConformanceTest() {}

  /** The port a test's name stands for. */
  protected static int port(String name) {
    return Integer.parseInt(name);
  }

  @Override
  protected String uniqueName() {
    return Integer.toString(TestPorts.free());
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
