package org.witrpc.transport.pipes;

import org.witrpc.client.AbstractRpcContractTest;

/** The whole RPC contract (calls, events, errors, concurrency, auth) over {@code pipe://}. */
class PipeRpcContractTest extends AbstractRpcContractTest {
  @Override
  protected String transportUri(String name) {
    return "pipe://" + name;
  }
}
