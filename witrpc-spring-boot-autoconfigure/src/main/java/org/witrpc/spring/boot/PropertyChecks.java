package org.witrpc.spring.boot;

import java.util.function.Supplier;
import org.springframework.util.unit.DataSize;

/**
 * Applies property values to witrpc's builders so that whatever witrpc refuses names the property
 * it came from.
 *
 * <p>Thread safety: stateless.
 */
final class PropertyChecks {
  private PropertyChecks() {}

  /**
   * Runs {@code action}, turning witrpc's {@link IllegalArgumentException} (a bad URI, a missing
   * transport artifact, a value out of range) into an {@link InvalidWitPropertyException} naming
   * {@code property}. witrpc's messages name the value, never a token.
   */
  static <T> T apply(String property, Supplier<T> action) {
    try {
      return action.get();
    } catch (IllegalArgumentException e) {
      throw new InvalidWitPropertyException(property, e.getMessage(), e);
    }
  }

  /** {@code value}, which must be set. */
  static String required(String property, String value, String why) {
    if (value == null || value.isBlank()) {
      throw new InvalidWitPropertyException(property, "not set; " + why);
    }
    return value;
  }

  /** {@code size} in bytes, as the int that witrpc's frame limits take. */
  static int bytes(String property, DataSize size) {
    long bytes = size.toBytes();
    if (bytes < 0 || bytes > Integer.MAX_VALUE) {
      throw new InvalidWitPropertyException(
          property, size + " is out of range: at most " + Integer.MAX_VALUE + " bytes (2GB)");
    }
    return (int) bytes;
  }
}
