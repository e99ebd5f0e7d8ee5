package org.witrpc.transport.websocket;

import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.TransportOptions;
import org.witrpc.transport.tcp.testkit.AbstractNetworkConformanceTest;

/** Plain {@code ws://} on 127.0.0.1 passes the transport conformance suite. */
class WsTransportConformanceTest extends AbstractNetworkConformanceTest {

  @Override
  protected ServerTransport newServer(String name, TransportOptions options) {
    return WebSocketTransport.server("127.0.0.1", port(name), "/conformance")
        .options(options)
        .build();
  }

  @Override
  protected ClientTransport newClient(String name) {
    return WebSocketTransport.client("127.0.0.1", port(name), "/conformance").build();
  }
}
