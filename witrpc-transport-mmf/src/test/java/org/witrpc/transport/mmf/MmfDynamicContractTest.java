package org.witrpc.transport.mmf;

import org.witrpc.client.AbstractDynamicContractTest;

/** Server reflection and calls without the interface class over {@code mmf://}. */
class MmfDynamicContractTest extends AbstractDynamicContractTest {
  @Override
  protected String transportUri(String name) {
    return "mmf://" + name + "?size=64KiB";
  }
}
