package org.witrpc.transport.websocket;

import org.witrpc.transport.tcp.testkit.AbstractTlsRpcContractTest;
import org.witrpc.transport.tcp.testkit.TlsFixture;

/** The whole RPC contract over {@code wss://}, configured by URI. */
class WssRpcContractTest extends AbstractTlsRpcContractTest {
  private static final TlsFixture TLS = new TlsFixture("wss://127.0.0.1:%d/rpc");

  @Override
  protected TlsFixture tls() {
    return TLS;
  }
}
