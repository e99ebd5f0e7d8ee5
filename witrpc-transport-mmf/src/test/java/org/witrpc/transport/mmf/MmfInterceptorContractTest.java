package org.witrpc.transport.mmf;

import org.witrpc.client.AbstractInterceptorContractTest;

/** Interceptors, metadata and cancellation over {@code mmf://}. */
class MmfInterceptorContractTest extends AbstractInterceptorContractTest {
  @Override
  protected String transportUri(String name) {
    return "mmf://" + name + "?size=64KiB";
  }
}
