package org.witrpc.transport.tcp;

import java.util.function.Consumer;
import org.witrpc.client.AbstractRpcContractTest;
import org.witrpc.client.WitClient;
import org.witrpc.server.WitServer;
import org.witrpc.transport.tcp.testkit.TestPorts;

/**
 * The whole RPC contract over {@code tcp://} with TLS, configured by URI: the server with its
 * certificate and key, the client trusting the test CA.
 */
class TcpTlsRpcContractTest extends AbstractRpcContractTest {
  static final TlsFixture TLS = new TlsFixture();

  /** Whether the server requires client certificates. */
  boolean mutual() {
    return false;
  }

  @Override
  protected String transportUri(String name) {
    return TLS.clientUri(TestPorts.of(name), mutual());
  }

  @Override
  protected WitServer startServer(Consumer<WitServer.Builder> config) {
    return super.startServer(
        b -> {
          b.transport(TLS.serverUri(TestPorts.of(name), mutual()));
          config.accept(b);
        });
  }

  @Override
  protected WitClient client(Consumer<WitClient.Builder> config) {
    return super.client(
        b -> {
          b.transport(TLS.clientUri(TestPorts.of(name), mutual()));
          config.accept(b);
        });
  }
}
