package org.witrpc.transport.tcp;

import org.witrpc.transport.tcp.testkit.AbstractHandshakeFloodTest;

/** {@code tcp://} under a flood of sockets that never say hello. */
class TcpHandshakeFloodTest extends AbstractHandshakeFloodTest {

  @Override
  protected String serverUri(String query) {
    return "tcp://127.0.0.1:0?" + query;
  }
}
