package org.witrpc.client;

/** The interceptor and call-context contract over the in-process transport {@code mem://}. */
class MemInterceptorContractTest extends AbstractInterceptorContractTest {
  @Override
  protected String transportUri(String name) {
    return "mem://" + name;
  }
}
