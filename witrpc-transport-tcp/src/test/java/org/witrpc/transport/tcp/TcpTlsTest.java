package org.witrpc.transport.tcp;

import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.ServerTransport;
import org.witrpc.transport.tcp.testkit.AbstractTlsTest;

/** TLS on {@code tcp://}. */
class TcpTlsTest extends AbstractTlsTest {

  @Override
  protected ServerTransport newServer(TlsOptions tls) {
    TcpServerTransport.Builder builder = TcpTransport.server("127.0.0.1", 0);
    return (tls == null ? builder : builder.tls(tls)).build();
  }

  @Override
  protected ClientTransport newClient(int port, TlsOptions tls) {
    TcpClientTransport.Builder builder = TcpTransport.client("127.0.0.1", port);
    return (tls == null ? builder : builder.tls(tls)).build();
  }

  @Override
  protected String plainClientAdvice() {
    return "tls=true";
  }
}
