package org.witrpc.transport.tcp;

import org.witrpc.transport.tcp.testkit.AbstractUnauthenticatedSlotsTest;

/** {@code tcp://}: peers past the hello that never authenticate keep no client out. */
class TcpUnauthenticatedSlotsTest extends AbstractUnauthenticatedSlotsTest {

  @Override
  protected String serverUri(String query) {
    return "tcp://127.0.0.1:0?" + query;
  }
}
