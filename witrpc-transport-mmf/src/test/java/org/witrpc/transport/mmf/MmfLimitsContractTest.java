package org.witrpc.transport.mmf;

import org.witrpc.client.AbstractLimitsContractTest;

/**
 * The limits contract (nesting, subscriptions, slow listeners) over {@code mmf://}, with a small
 * ring so that the deep bodies are fragmented.
 */
class MmfLimitsContractTest extends AbstractLimitsContractTest {
  @Override
  protected String transportUri(String name) {
    return "mmf://" + name + "?size=64KiB";
  }
}
