package org.witrpc.transport.mmf;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the sizes and durations of transport options: {@code 8MiB}, {@code 65536}, {@code 64k},
 * {@code 20us}, {@code 1ms}.
 *
 * <p>Thread safety: stateless.
 */
final class ByteSizes {
  private static final Pattern AMOUNT = Pattern.compile("\\s*(\\d+)\\s*([A-Za-zµ]*)\\s*");

  private ByteSizes() {}

  /** Parses a byte size: a number with an optional binary unit (B, K/KiB, M/MiB, G/GiB). */
  static long parseSize(String text) {
    Matcher m = match(text, "size");
    long shift;
    switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "":
      case "b":
        shift = 0;
        break;
      case "k":
      case "kb":
      case "kib":
        shift = 10;
        break;
      case "m":
      case "mb":
      case "mib":
        shift = 20;
        break;
      case "g":
      case "gb":
      case "gib":
        shift = 30;
        break;
      default:
        throw new IllegalArgumentException(
            "unknown size unit in '" + text + "'; use B, KiB, MiB or GiB (for example 8MiB)");
    }
    long value = Long.parseLong(m.group(1));
    if (value > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException("size '" + text + "' is too large");
    }
    return value << shift;
  }

  /** Parses a duration: a number with a unit ns, us, ms or s ({@code 0} needs no unit). */
  static Duration parseDuration(String text) {
    Matcher m = match(text, "duration");
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

  private static Matcher match(String text, String what) {
    Matcher m = AMOUNT.matcher(text == null ? "" : text);
    if (!m.matches() || m.group(1).length() > 18) {
      throw new IllegalArgumentException("malformed " + what + " '" + text + "'");
    }
    return m;
  }
}
