package org.witrpc.transport.tcp;

import org.witrpc.client.AbstractLimitsContractTest;
import org.witrpc.transport.tcp.testkit.TestPorts;

/** The limits contract (nesting, subscriptions, slow listeners) over plain {@code tcp://}. */
class TcpLimitsContractTest extends AbstractLimitsContractTest {
  @Override
  protected String transportUri(String name) {
    return "tcp://127.0.0.1:" + TestPorts.of(name);
  }
}
