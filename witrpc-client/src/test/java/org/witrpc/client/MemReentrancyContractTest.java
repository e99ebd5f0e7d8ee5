package org.witrpc.client;

/** What user code may do with witrpc from witrpc's threads, over {@code mem://}. */
class MemReentrancyContractTest extends AbstractReentrancyContractTest {
  @Override
  protected String transportUri(String name) {
    return "mem://" + name;
  }
}
