package org.witrpc.transport.websocket;

import org.witrpc.transport.tcp.testkit.AbstractUnauthenticatedSlotsTest;

/** {@code ws://}: peers past the upgrade that never authenticate keep no client out. */
class WsUnauthenticatedSlotsTest extends AbstractUnauthenticatedSlotsTest {

  @Override
  protected String serverUri(String query) {
    return "ws://127.0.0.1:0/rpc?" + query;
  }
}
