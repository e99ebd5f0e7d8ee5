package org.witrpc.spring.boot;

/**
 * A {@code witrpc.*} property that witrpc refused, naming the property; {@link
 * WitPropertyFailureAnalyzer} turns it into Boot's startup failure report.
 *
 * <p>Thread safety: immutable.
 */
final class InvalidWitPropertyException extends RuntimeException {
  private final String property;
  private final String reason;

  InvalidWitPropertyException(String property, String reason, Throwable cause) {
    super("invalid witrpc property '" + property + "': " + reason, cause);
    this.property = property;
    this.reason = reason;
  }

  InvalidWitPropertyException(String property, String reason) {
    this(property, reason, null);
  }

  String property() {
    return property;
  }

  String reason() {
    return reason;
  }
}
