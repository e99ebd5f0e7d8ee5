package org.witrpc.client;

/** The RPC contract over the in-process transport {@code mem://}. */
class MemRpcContractTest extends AbstractRpcContractTest {
  @Override
  protected String transportUri(String name) {
    return "mem://" + name;
  }
}
