package org.witrpc.transport.tcp;

/** The whole RPC contract over {@code tcp://} with mutual TLS ({@code clientAuth=require}). */
class TcpMtlsRpcContractTest extends TcpTlsRpcContractTest {
  @Override
  protected boolean mutual() {
    return true;
  }
}
