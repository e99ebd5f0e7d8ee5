package org.witrpc.transport.websocket;

import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.ServerTransport;
import org.witrpc.transport.tcp.TlsOptions;
import org.witrpc.transport.tcp.testkit.AbstractTlsTest;

/** TLS on {@code wss://}; a {@code ws://} client of a {@code wss://} server is told to use it. */
class WssTlsTest extends AbstractTlsTest {

  @Override
  protected ServerTransport newServer(TlsOptions tls) {
    WebSocketServerTransport.Builder builder = WebSocketTransport.server("127.0.0.1", 0, "/rpc");
    return (tls == null ? builder : builder.tls(tls)).build();
  }

  @Override
  protected ClientTransport newClient(int port, TlsOptions tls) {
    WebSocketClientTransport.Builder builder = WebSocketTransport.client("127.0.0.1", port, "/rpc");
    return (tls == null ? builder : builder.tls(tls)).build();
  }

  @Override
  protected String plainClientAdvice() {
    return "wss://";
  }
}
