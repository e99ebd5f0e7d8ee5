package org.witrpc.transport.tcp;

import org.witrpc.client.AbstractInterceptorContractTest;
import org.witrpc.transport.tcp.testkit.TestPorts;

/** Interceptors, metadata and cancellation over plain {@code tcp://}. */
class TcpInterceptorContractTest extends AbstractInterceptorContractTest {
  @Override
  protected String transportUri(String name) {
    return "tcp://127.0.0.1:" + TestPorts.of(name);
  }

  @Override
  protected boolean peerHasAddress() {
    return true;
  }
}
