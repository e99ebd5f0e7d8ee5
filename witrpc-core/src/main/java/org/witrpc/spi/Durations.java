package org.witrpc.spi;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the durations of transport options: {@code 20us}, {@code 1ms}, {@code 0}. Byte sizes are
 * parsed by the shared {@link org.witrpc.spi.Sizes}.
 *
 * <p>Used by the transport providers for URI options such as {@code spin=20us} or {@code
 * sendTimeout=5s}.
 *
 * <p>Thread safety: stateless.
 */
public final class Durations {
  private static final Pattern AMOUNT = Pattern.compile("\\s*(\\d+)\\s*([A-Za-zµ]*)\\s*");

  private Durations() {}

  /** Parses a duration: a number with a unit ns, us, ms or s ({@code 0} needs no unit). */
  public static Duration parse(String text) {
    Matcher m = match(text);
    long value = Long.parseLong(m.group(1));
    switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "ns":
        return Duration.ofNanos(value);
      case "us":
      case "µs":
        return Duration.ofNanos(Math.multiplyExact(value, 1000L));
      case "ms":
        return Duration.ofMillis(value);
      case "s":
        return Duration.ofSeconds(value);
      case "":
        if (value == 0) {
          return Duration.ZERO;
        }
        throw needsUnit(text);
      default:
        throw needsUnit(text);
    }
  }

  private static IllegalArgumentException needsUnit(String text) {
    return new IllegalArgumentException(
        "duration '" + text + "' needs a unit: ns, us, ms or s (for example 20us)");
  }

  private static Matcher match(String text) {
    Matcher m = AMOUNT.matcher(text == null ? "" : text);
    if (!m.matches() || m.group(1).length() > 18) {
      throw new IllegalArgumentException("malformed duration '" + text + "'");
    }
    return m;
  }
}
