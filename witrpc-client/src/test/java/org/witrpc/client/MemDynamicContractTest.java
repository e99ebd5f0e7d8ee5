package org.witrpc.client;

/** Server reflection and dynamic calls over the in-process transport {@code mem://}. */
class MemDynamicContractTest extends AbstractDynamicContractTest {
  @Override
  protected String transportUri(String name) {
    return "mem://" + name;
  }
}
