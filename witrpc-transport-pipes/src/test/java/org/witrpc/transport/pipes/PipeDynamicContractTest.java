package org.witrpc.transport.pipes;

import org.witrpc.client.AbstractDynamicContractTest;

/** Server reflection and calls without the interface class over {@code pipe://}. */
class PipeDynamicContractTest extends AbstractDynamicContractTest {
  @Override
  protected String transportUri(String name) {
    return "pipe://" + name;
  }
}
