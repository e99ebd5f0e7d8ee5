package org.witrpc.spring.boot;

import org.springframework.core.Ordered;

/**
 * Where the tracing and metrics customizers put their interceptors among the application's: first,
 * tracing outermost, so that the metrics interceptor and the application's own run inside the
 * call's span. An application customizer with a lower {@link
 * org.springframework.core.annotation.Order} goes before them.
 */
final class ObservabilityOrder {
  /** The tracing customizers. */
  static final int TRACING = Ordered.HIGHEST_PRECEDENCE + 1000;

  /** The metrics customizers, just inside the tracing ones. */
  static final int METRICS = TRACING + 10;

  private ObservabilityOrder() {}
}
