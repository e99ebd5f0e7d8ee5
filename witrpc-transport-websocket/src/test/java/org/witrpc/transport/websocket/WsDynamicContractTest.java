package org.witrpc.transport.websocket;

import org.witrpc.client.AbstractDynamicContractTest;
import org.witrpc.transport.tcp.testkit.TestPorts;

/** Server reflection and calls without the interface class over plain {@code ws://}. */
class WsDynamicContractTest extends AbstractDynamicContractTest {
  @Override
  protected String transportUri(String name) {
    return "ws://127.0.0.1:" + TestPorts.of(name) + "/rpc";
  }
}
