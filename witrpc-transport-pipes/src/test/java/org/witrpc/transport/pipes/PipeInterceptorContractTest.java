package org.witrpc.transport.pipes;

import org.witrpc.client.AbstractInterceptorContractTest;

/** Interceptors, metadata and cancellation over {@code pipe://}. */
class PipeInterceptorContractTest extends AbstractInterceptorContractTest {
  @Override
  protected String transportUri(String name) {
    return "pipe://" + name;
  }
}
