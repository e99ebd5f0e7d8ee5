package org.witrpc.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * The allowed range of every numeric setting of witrpc, in one place: the transport options, the
 * settings of {@code WitServer.Builder} and {@code WitClient.Builder}, the transport builders and
 * the transport URIs all check their values here, so one setting has one rule and one message
 * wherever it is given. A value out of range is an {@link IllegalArgumentException} that names the
 * setting, the value and the range; nothing is silently clamped.
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
public final class Limits {

  /**
   * Smallest {@code maxFrameSize}: 1 KiB. The transports themselves could carry smaller frames, but
   * the protocol needs its handshake to fit (an encrypted HELLO with a serializer name of up to 255
   * bytes is 307 bytes; a refusal carries a message), and a smaller limit would only fail later, on
   * the first connection, instead of when the setting is made.
   */
  public static final int MIN_FRAME_SIZE = 1 << 10;

  /** Smallest {@code sendTimeout}: 1 ms. */
  public static final Duration MIN_SEND_TIMEOUT = Duration.ofMillis(1);

  /**
   * Largest {@code spinBudget} (the {@code spin} URI option): 10 ms. A spinning thread holds a
   * core; two spinners on one core slow each other down, so the spin must stay short (the default
   * is 20 us; see docs/PERFORMANCE.md).
   */
  public static final Duration MAX_SPIN_BUDGET = Duration.ofMillis(10);

  private Limits() {}

  /**
   * Checks a maximum frame size in bytes: from {@link #MIN_FRAME_SIZE} (1 KiB) to {@link
   * Integer#MAX_VALUE}.
   */
  public static int maxFrameSize(int maxFrameSize) {
    if (maxFrameSize < MIN_FRAME_SIZE) {
      throw outOfRange(
          "maxFrameSize", maxFrameSize + " bytes", "at least " + MIN_FRAME_SIZE + " bytes (1 KiB)");
    }
    return maxFrameSize;
  }

  /** Checks a maximum number of clients: at least 1. */
  public static int maxClients(int maxClients) {
    return atLeastOne("maxClients", maxClients);
  }

  /**
   * Checks a send timeout: at least {@link #MIN_SEND_TIMEOUT} (1 ms); returns it, or {@link
   * Durations#FOREVER} if it is longer.
   */
  public static Duration sendTimeout(Duration sendTimeout) {
    Objects.requireNonNull(sendTimeout, "sendTimeout == null");
    if (sendTimeout.compareTo(MIN_SEND_TIMEOUT) < 0) {
      throw outOfRange("sendTimeout", format(sendTimeout), "at least 1ms");
    }
    return Durations.capped(sendTimeout);
  }

  /** Checks a spin budget: from zero (park at once) to {@link #MAX_SPIN_BUDGET} (10 ms). */
  public static Duration spinBudget(Duration spinBudget) {
    return spinBudget("spinBudget", spinBudget);
  }

  /**
   * Checks a spin budget set as {@code setting} (the builder's {@code spinBudget}, a URI's {@code
   * spin}), naming it in the error.
   */
  public static Duration spinBudget(String setting, Duration spinBudget) {
    Objects.requireNonNull(spinBudget, () -> setting + " == null");
    if (spinBudget.isNegative() || spinBudget.compareTo(MAX_SPIN_BUDGET) > 0) {
      throw outOfRange(setting, format(spinBudget), "between 0 and 10ms");
    }
    return spinBudget;
  }

  /** Checks a setting that counts something and needs at least one of it. */
  public static int atLeastOne(String setting, int value) {
    if (value < 1) {
      throw outOfRange(setting, String.valueOf(value), "at least 1");
    }
    return value;
  }

  /**
   * Checks a timeout that must be longer than zero; returns it, or {@link Durations#FOREVER} if it
   * is longer.
   */
  public static Duration positive(String setting, Duration value) {
    Objects.requireNonNull(value, setting + " == null");
    if (value.isNegative() || value.isZero()) {
      throw outOfRange(setting, format(value), "longer than 0");
    }
    return Durations.capped(value);
  }

  /** A duration as the URI options write it: {@code 20us}, {@code 1500ms}, {@code 10s}. */
  static String format(Duration d) {
    if (d.isNegative()) {
      return "-" + format(d.negated());
    }
    long nanos;
    try {
      nanos = d.toNanos();
    } catch (ArithmeticException huge) {
      return d.getSeconds() + "s";
    }
    if (nanos % 1_000_000_000L == 0) {
      return nanos / 1_000_000_000L + "s";
    }
    if (nanos % 1_000_000L == 0) {
      return nanos / 1_000_000L + "ms";
    }
    if (nanos % 1_000L == 0) {
      return nanos / 1_000L + "us";
    }
    return nanos + "ns";
  }

  private static IllegalArgumentException outOfRange(String setting, String value, String range) {
    return new IllegalArgumentException(setting + " must be " + range + ", not " + value);
  }
}
