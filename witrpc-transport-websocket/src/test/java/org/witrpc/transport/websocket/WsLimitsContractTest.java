package org.witrpc.transport.websocket;

import org.witrpc.client.AbstractLimitsContractTest;
import org.witrpc.transport.tcp.testkit.TestPorts;

/** The limits contract (nesting, subscriptions, slow listeners) over plain {@code ws://}. */
class WsLimitsContractTest extends AbstractLimitsContractTest {
  @Override
  protected String transportUri(String name) {
    return "ws://127.0.0.1:" + TestPorts.of(name) + "/rpc";
  }
}
