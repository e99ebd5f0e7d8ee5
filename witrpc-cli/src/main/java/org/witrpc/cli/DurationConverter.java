package org.witrpc.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads durations as people write them: {@code 250ms}, {@code 10s}, {@code 2m}, {@code 1h}; at most
 * {@link #MAX} (a day), so that no deadline the tool or the client computes from one can overflow.
 */
final class DurationConverter implements ITypeConverter<Duration> {
  /** The longest duration an option takes: {@value #MAX_TEXT}. */
  static final Duration MAX = Duration.ofHours(24);

  /** {@link #MAX} as the options' descriptions and errors write it. */
  static final String MAX_TEXT = "24h";

  private static final Pattern FORMAT = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

  @Override
  public Duration convert(String value) {
    Matcher m = FORMAT.matcher(value.strip());
    if (!m.matches()) {
      throw new TypeConversionException(
          "'"
              + value
              + "' is not a duration: write a whole number and a unit, as 500ms, 10s or 2m");
    }
    long n = Long.parseLong(m.group(1));
    Duration d =
        switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          default -> Duration.ofHours(n);
        };
    if (d.isZero()) {
      throw new TypeConversionException("'" + value + "': a duration must be more than 0");
    }
    if (d.compareTo(MAX) > 0) {
      throw new TypeConversionException(
          "'" + value + "': a duration must be at most " + MAX_TEXT + " (one day)");
    }
    return d;
  }
}
