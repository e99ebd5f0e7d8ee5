package org.witrpc.transport.websocket;

import org.witrpc.client.AbstractInterceptorContractTest;
import org.witrpc.transport.tcp.testkit.TestPorts;

/** Interceptors, metadata and cancellation over plain {@code ws://}. */
class WsInterceptorContractTest extends AbstractInterceptorContractTest {
  @Override
  protected String transportUri(String name) {
    return "ws://127.0.0.1:" + TestPorts.of(name) + "/rpc";
  }

  @Override
  protected boolean peerHasAddress() {
    return true;
  }
}
