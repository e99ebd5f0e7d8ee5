package org.witrpc.internal;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the durations of transport options: {@code 20us}, {@code 1ms}, {@code 0}. Byte sizes are
 * parsed by the shared {@link org.witrpc.internal.Sizes}.
 *
 * <p>Used by the transport providers for URI options such as {@code spin=20us} or {@code
 * sendTimeout=5s}.
 *
 * <p>Thread safety: stateless.
 */
public final class Durations {
  private static final Pattern AMOUNT = Pattern.compile("\\s*(\\d+)\\s*([A-Za-zµ]*)\\s*");
  private static final String UNITS = "ns, us, ms or s";

  /**
   * Longest duration: {@link Long#MAX_VALUE} nanoseconds (about 292 years), so that every parsed
   * duration converts to nanoseconds ({@link Duration#toNanos()}) without overflow.
   */
  public static final Duration MAX = Duration.ofNanos(Long.MAX_VALUE);

  /**
   * The longest wait witrpc keeps track of: 2^61 nanoseconds (about 73 years). A longer timeout or
   * grace (such as {@code Duration.ofSeconds(Long.MAX_VALUE)}, a common way to say "no limit") is
   * taken as this one, which in effect is no limit, so that a deadline computed from {@link
   * System#nanoTime()} never overflows.
   */
  public static final Duration FOREVER = Duration.ofNanos(1L << 61);

  private Durations() {}

  /**
   * {@code d}, or {@link #FOREVER} if it is longer: a timeout or grace that converts to nanoseconds
   * and adds to {@link System#nanoTime()} without overflow. Negative and zero durations stay as
   * they are.
   */
  public static Duration capped(Duration d) {
    return d.compareTo(FOREVER) > 0 ? FOREVER : d;
  }

  /**
   * Parses a duration: a number with a unit ns, us, ms or s ({@code 0} needs no unit), at most
   * {@link #MAX}.
   *
   * @throws IllegalArgumentException naming what is wrong: the syntax, a missing or unknown unit,
   *     or a duration above {@link #MAX}
   */
  public static Duration parse(String text) {
    Matcher m = match(text);
    String digits = m.group(1).replaceFirst("^0+(?=\\d)", "");
    String unit = m.group(2).toLowerCase(Locale.ROOT);
    long nanosPerUnit;
    switch (unit) {
      case "ns":
        nanosPerUnit = 1L;
        break;
      case "us":
      case "µs":
        nanosPerUnit = 1_000L;
        break;
      case "ms":
        nanosPerUnit = 1_000_000L;
        break;
      case "s":
        nanosPerUnit = 1_000_000_000L;
        break;
      case "":
        if (digits.equals("0")) {
          return Duration.ZERO;
        }
        throw new IllegalArgumentException(
            "duration '" + text + "' needs a unit: " + UNITS + " (for example 20us)");
      default:
        throw new IllegalArgumentException(
            "duration '" + text + "' has an unknown unit '" + m.group(2) + "': use " + UNITS);
    }
    long amount = digits.length() > 19 ? -1 : parseOrMinusOne(digits);
    if (amount < 0 || amount > Long.MAX_VALUE / nanosPerUnit) {
      throw new IllegalArgumentException(
          "duration '" + text + "' is too large: at most " + Long.MAX_VALUE + "ns (292 years)");
    }
    return Duration.ofNanos(amount * nanosPerUnit);
  }

  /** The whole number {@code digits}, or -1 if it does not fit a long. */
  private static long parseOrMinusOne(String digits) {
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException tooLarge) {
      return -1;
    }
  }

  private static Matcher match(String text) {
    Matcher m = AMOUNT.matcher(text == null ? "" : text);
    if (!m.matches()) {
      throw new IllegalArgumentException("malformed duration '" + text + "'");
    }
    return m;
  }
}
