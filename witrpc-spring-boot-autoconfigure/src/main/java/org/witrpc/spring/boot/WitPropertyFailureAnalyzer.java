package org.witrpc.spring.boot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a {@code witrpc.*} property that witrpc refused, in Boot's "APPLICATION FAILED TO START"
 * form: which property, and why.
 *
 * <p>Thread safety: stateless.
 */
final class WitPropertyFailureAnalyzer
    extends AbstractFailureAnalyzer<InvalidWitPropertyException> {
  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, InvalidWitPropertyException cause) {
    return new FailureAnalysis(
        "The witrpc property '" + cause.property() + "' is invalid: " + cause.reason(),
        "Update the value of '" + cause.property() + "' in your configuration.",
        cause);
  }
}
