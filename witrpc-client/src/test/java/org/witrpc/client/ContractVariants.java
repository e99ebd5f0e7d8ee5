package org.witrpc.client;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;

/**
 * Runs each {@link ContractTest} once per {@link RpcContractHarness.Variant}: the run is named
 * after the variant, which is set on the test instance before its {@code @BeforeEach} methods run.
 */
final class ContractVariants implements TestTemplateInvocationContextProvider {

  @Override
  public boolean supportsTestTemplate(ExtensionContext context) {
    return RpcContractHarness.class.isAssignableFrom(context.getRequiredTestClass());
  }

  @Override
  public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(
      ExtensionContext context) {
    return Arrays.stream(RpcContractHarness.Variant.values()).map(Run::new);
  }

  /** One run of a contract test. */
  private record Run(RpcContractHarness.Variant variant)
      implements TestTemplateInvocationContext, BeforeEachCallback {

    @Override
    public String getDisplayName(int invocationIndex) {
      return variant.toString();
    }

    @Override
    public List<Extension> getAdditionalExtensions() {
      return List.of(this);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
      ((RpcContractHarness) context.getRequiredTestInstance()).variant = variant;
    }
  }
}
