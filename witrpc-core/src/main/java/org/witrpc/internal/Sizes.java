package org.witrpc.internal;

import java.util.Locale;
import java.util.Objects;

/**
 * Parses byte sizes written in transport URIs and configuration: a whole number of bytes with an
 * optional binary suffix, for example {@code 4096}, {@code 64KiB}, {@code 8MiB}, {@code 1GiB}
 * (suffixes are case-insensitive; {@code B} means bytes).
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
public final class Sizes {

  private Sizes() {}

  /**
   * The number of bytes {@code text} stands for.
   *
   * @throws IllegalArgumentException if {@code text} is not a non-negative whole number with an
   *     optional suffix B, KiB, MiB or GiB, or the value overflows a long
   */
  public static long parse(String text) {
    Objects.requireNonNull(text, "text == null");
    String trimmed = text.trim();
    int digits = 0;
    while (digits < trimmed.length() && Character.isDigit(trimmed.charAt(digits))) {
      digits++;
    }
    if (digits == 0 || digits > 18) {
      throw invalid(text);
    }
    long number = Long.parseLong(trimmed.substring(0, digits));
    String suffix = trimmed.substring(digits).trim().toLowerCase(Locale.ROOT);
    int shift;
    switch (suffix) {
      case "", "b" -> shift = 0;
      case "kib" -> shift = 10;
      case "mib" -> shift = 20;
      case "gib" -> shift = 30;
      default -> throw invalid(text);
    }
    if (number > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException("size '" + text + "' is too large");
    }
    return number << shift;
  }

  /**
   * Like {@link #parse}, for sizes that must fit an {@code int} (frame and buffer sizes).
   *
   * @throws IllegalArgumentException also if the size is 2 GiB or more
   */
  public static int parseInt(String text) {
    long bytes = parse(text);
    if (bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "size '" + text + "' is too large: the maximum is " + Integer.MAX_VALUE + " bytes");
    }
    return (int) bytes;
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException(
        "invalid size '"
            + text
            + "': expected a whole number of bytes with an optional suffix B, KiB, MiB or GiB,"
            + " for example 64MiB");
  }
}
