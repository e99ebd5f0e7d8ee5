package org.witrpc.transport.websocket;

import org.witrpc.client.AbstractRpcContractTest;
import org.witrpc.transport.tcp.testkit.TestPorts;

/** The whole RPC contract (calls, events, errors, concurrency, auth) over plain {@code ws://}. */
class WsRpcContractTest extends AbstractRpcContractTest {
  @Override
  protected String transportUri(String name) {
    return "ws://127.0.0.1:" + TestPorts.of(name) + "/rpc";
  }
}
