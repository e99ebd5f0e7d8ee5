package org.witrpc.client;

import java.time.Duration;
import java.util.Objects;
import org.witrpc.internal.Durations;

/**
 * How a {@link WitClient} reconnects by itself after it lost its connection ({@link
 * WitClient.Builder#autoReconnect(ReconnectPolicy)}): attempts spaced by exponential backoff with a
 * cap and jitter, each a full connect (transport, handshake, authorization, encryption,
 * re-subscription of every listener), until one succeeds or {@link #maxAttempts} is reached (then
 * the client is {@link ConnectionState#FAILED}).
 *
 * <pre>{@code
 * ReconnectPolicy.exponential(Duration.ofMillis(100), Duration.ofSeconds(5))
 *     .multiplier(2).jitter(0.2).maxAttempts(0)   // 0 = unlimited (the default)
 * }</pre>
 *
 * <p>Thread safety: immutable; the "setters" return a changed copy.
 */
public final class ReconnectPolicy {
  private final Backoff backoff;
  private final int maxAttempts;
  private final Duration connectTimeout;

  private ReconnectPolicy(Backoff backoff, int maxAttempts, Duration connectTimeout) {
    this.backoff = backoff;
    this.maxAttempts = maxAttempts;
    this.connectTimeout = connectTimeout;
  }

  /**
   * Waits {@code initial} before the first attempt, doubling up to {@code max}; jitter 0.2,
   * unlimited attempts, 5 s per attempt.
   */
  public static ReconnectPolicy exponential(Duration initial, Duration max) {
    Objects.requireNonNull(initial, "initial == null");
    Objects.requireNonNull(max, "max == null");
    return new ReconnectPolicy(new Backoff(initial, max, 2.0, 0.2), 0, Duration.ofSeconds(5));
  }

  /** Growth factor of the wait per attempt (>= 1). */
  public ReconnectPolicy multiplier(double multiplier) {
    return new ReconnectPolicy(
        new Backoff(backoff.initial(), backoff.max(), multiplier, backoff.jitter()),
        maxAttempts,
        connectTimeout);
  }

  /** Random spread of each wait, as a fraction between 0 and 1 (0.2 = plus or minus 20%). */
  public ReconnectPolicy jitter(double jitter) {
    return new ReconnectPolicy(
        new Backoff(backoff.initial(), backoff.max(), backoff.multiplier(), jitter),
        maxAttempts,
        connectTimeout);
  }

  /** Attempts before giving up ({@link ConnectionState#FAILED}); 0 means unlimited. */
  public ReconnectPolicy maxAttempts(int maxAttempts) {
    if (maxAttempts < 0) {
      throw new IllegalArgumentException("maxAttempts must be >= 0: " + maxAttempts);
    }
    return new ReconnectPolicy(backoff, maxAttempts, connectTimeout);
  }

  /** How long one attempt (connect, handshake, re-subscription) may take. Default 5 s. */
  public ReconnectPolicy connectTimeout(Duration connectTimeout) {
    Objects.requireNonNull(connectTimeout, "connectTimeout == null");
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("connectTimeout must be positive: " + connectTimeout);
    }
    return new ReconnectPolicy(backoff, maxAttempts, Durations.capped(connectTimeout));
  }

  /** Attempts before giving up; 0 means unlimited. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** How long one attempt may take. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** The wait before attempt {@code n} (1-based), jitter applied. */
  public Duration delayBefore(int n) {
    return Duration.ofNanos(backoff.delayNanos(n));
  }

  @Override
  public String toString() {
    return "ReconnectPolicy" + backoff + ", maxAttempts=" + maxAttempts;
  }
}
