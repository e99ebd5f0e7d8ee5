package org.witrpc.transport.pipes;

import org.witrpc.client.AbstractLimitsContractTest;

/** The limits contract (nesting, subscriptions, slow listeners) over {@code pipe://}. */
class PipeLimitsContractTest extends AbstractLimitsContractTest {
  @Override
  protected String transportUri(String name) {
    return "pipe://" + name;
  }
}
