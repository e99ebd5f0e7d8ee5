package org.witrpc.transport.tcp;

import org.witrpc.client.AbstractDynamicContractTest;
import org.witrpc.transport.tcp.testkit.TestPorts;

/** Server reflection and calls without the interface class over plain {@code tcp://}. */
class TcpDynamicContractTest extends AbstractDynamicContractTest {
  @Override
  protected String transportUri(String name) {
    return "tcp://127.0.0.1:" + TestPorts.of(name);
  }
}
