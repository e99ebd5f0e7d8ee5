package org.witrpc.transport.tcp;

import org.witrpc.transport.tcp.testkit.AbstractTlsRpcContractTest;
import org.witrpc.transport.tcp.testkit.TlsFixture;

/** The whole RPC contract over {@code tcp://} with TLS, configured by URI. */
class TcpTlsRpcContractTest extends AbstractTlsRpcContractTest {
  private static final TlsFixture TLS = new TlsFixture("tcp://127.0.0.1:%d");

  @Override
  protected TlsFixture tls() {
    return TLS;
  }
}
