package org.witrpc.transport.mmf;

import org.witrpc.client.AbstractRpcContractTest;

/**
 * The whole RPC contract (calls, events, errors, concurrency, auth) over {@code mmf://}, with a
 * small ring so that larger values are fragmented.
 */
class MmfRpcContractTest extends AbstractRpcContractTest {
  @Override
  protected String transportUri(String name) {
    return "mmf://" + name + "?size=64KiB";
  }
}
