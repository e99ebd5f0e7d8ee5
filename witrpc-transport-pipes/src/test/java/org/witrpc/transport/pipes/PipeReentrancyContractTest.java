package org.witrpc.transport.pipes;

import org.witrpc.client.AbstractReentrancyContractTest;

/** What user code may do with witrpc from witrpc's threads, over {@code pipe://}. */
class PipeReentrancyContractTest extends AbstractReentrancyContractTest {
  @Override
  protected String transportUri(String name) {
    return "pipe://" + name;
  }
}
