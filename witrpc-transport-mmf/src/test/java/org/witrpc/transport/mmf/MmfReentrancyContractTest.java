package org.witrpc.transport.mmf;

import org.witrpc.client.AbstractReentrancyContractTest;

/**
 * What user code may do with witrpc from witrpc's threads, over {@code mmf://}: here an inline
 * service method runs under its connection's reader role, and a waiting caller may hold its
 * client's.
 */
class MmfReentrancyContractTest extends AbstractReentrancyContractTest {
  @Override
  protected String transportUri(String name) {
    return "mmf://" + name + "?size=64KiB";
  }
}
