package org.witrpc.transport.websocket;

import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.TransportOptions;
import org.witrpc.transport.tcp.testkit.AbstractNetworkConformanceTest;
import org.witrpc.transport.tcp.testkit.TlsFixture;

/** {@code wss://} with mutual TLS on 127.0.0.1 passes the transport conformance suite. */
class WssTransportConformanceTest extends AbstractNetworkConformanceTest {
  private static final TlsFixture TLS = new TlsFixture("wss://127.0.0.1:%d/conformance");

  @Override
  protected ServerTransport newServer(String name, TransportOptions options) {
    return WebSocketTransport.server("127.0.0.1", port(name), "/conformance")
        .options(options)
        .tls(TLS.serverTls(true))
        .build();
  }

  @Override
  protected ClientTransport newClient(String name) {
    return WebSocketTransport.client("127.0.0.1", port(name), "/conformance")
        .tls(TLS.clientTls(true))
        .build();
  }
}
