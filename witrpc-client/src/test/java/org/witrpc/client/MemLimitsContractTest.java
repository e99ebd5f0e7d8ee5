package org.witrpc.client;

/** The limits contract over the in-process transport {@code mem://}. */
class MemLimitsContractTest extends AbstractLimitsContractTest {
  @Override
  protected String transportUri(String name) {
    return "mem://" + name;
  }
}
