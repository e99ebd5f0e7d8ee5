package org.witrpc.transport.tcp;

/** The whole RPC contract over {@code tcp://} with mutual TLS ({@code clientAuth=require}). */
class TcpMtlsRpcContractTest extends TcpTlsRpcContractTest {
  @Override
  boolean mutual() {
    return true;
  }
}
