package org.witrpc.transport.tcp.testkit;

import java.util.function.Consumer;
import org.witrpc.client.AbstractRpcContractTest;
import org.witrpc.client.WitClient;
import org.witrpc.server.WitServer;

/**
 * The whole RPC contract over a network transport with TLS, configured by URI: the server with its
 * certificate and key (and the CA of client certificates under mutual TLS), the client trusting the
 * test CA.
 */
public abstract class AbstractTlsRpcContractTest extends AbstractRpcContractTest {

  /** For the subclass of each transport. */
  protected AbstractTlsRpcContractTest() {}

  /** The certificates and URIs of the transport. */
  protected abstract TlsFixture tls();

  /** Whether the server requires client certificates. */
  protected boolean mutual() {
    return false;
  }

  @Override
  protected String transportUri(String name) {
    return tls().clientUri(TestPorts.of(name), mutual());
  }

  @Override
  protected WitServer startServer(Consumer<WitServer.Builder> config) {
    return super.startServer(
        b -> {
          b.transport(tls().serverUri(TestPorts.of(name), mutual()));
          config.accept(b);
        });
  }

  @Override
  protected WitClient client(Consumer<WitClient.Builder> config) {
    return super.client(
        b -> {
          b.transport(tls().clientUri(TestPorts.of(name), mutual()));
          config.accept(b);
        });
  }
}
