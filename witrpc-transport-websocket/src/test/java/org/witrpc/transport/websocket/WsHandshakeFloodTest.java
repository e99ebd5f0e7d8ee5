package org.witrpc.transport.websocket;

import org.witrpc.transport.tcp.testkit.AbstractHandshakeFloodTest;

/** {@code ws://} under a flood of sockets that never send their upgrade request. */
class WsHandshakeFloodTest extends AbstractHandshakeFloodTest {

  @Override
  protected String serverUri(String query) {
    return "ws://127.0.0.1:0/rpc?" + query;
  }
}
