package org.witrpc.transport.tcp;

import org.witrpc.client.AbstractRpcContractTest;
import org.witrpc.transport.tcp.testkit.TestPorts;

/** The whole RPC contract (calls, events, errors, concurrency, auth) over plain {@code tcp://}. */
class TcpRpcContractTest extends AbstractRpcContractTest {
  @Override
  protected String transportUri(String name) {
    return "tcp://127.0.0.1:" + TestPorts.of(name);
  }
}
