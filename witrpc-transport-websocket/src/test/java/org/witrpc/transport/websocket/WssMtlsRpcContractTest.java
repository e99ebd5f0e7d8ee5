package org.witrpc.transport.websocket;

/** The whole RPC contract over {@code wss://} with mutual TLS ({@code clientAuth=require}). */
class WssMtlsRpcContractTest extends WssRpcContractTest {
  @Override
  protected boolean mutual() {
    return true;
  }
}
