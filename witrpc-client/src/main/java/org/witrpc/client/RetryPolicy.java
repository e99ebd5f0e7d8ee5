package org.witrpc.client;

import java.time.Duration;
import java.util.Objects;
import org.witrpc.Idempotent;
import org.witrpc.Status;
import org.witrpc.WitException;
import org.witrpc.WitRemoteException;
import org.witrpc.WitTransportException;

/**
 * Which failed calls a {@link WitClient} repeats by itself ({@link
 * WitClient.Builder#retryPolicy(RetryPolicy)}), and how long it waits in between. All attempts of a
 * call share its one timeout (the call's deadline): a retry never extends it.
 *
 * <p>A call is retried only if it surely never reached the server (the client was not connected, or
 * the transport refused the frame for another reason than its size), or if its method is marked
 * {@link Idempotent} and the connection was lost before the answer came, or the server answered 503
 * UNAVAILABLE (busy or shutting down). Never retried: 400, 404, 500 (an application error is not
 * transient), 504 and 561, timeouts, security failures, a request larger than this client's or the
 * server's {@code maxFrameSize} (it would be refused again). Synchronous calls only; asynchronous
 * calls are not retried.
 *
 * <p>Thread safety: immutable; the "setters" return a changed copy.
 */
public final class RetryPolicy {
  private final Backoff backoff;
  private final int maxRetries;

  private RetryPolicy(Backoff backoff, int maxRetries) {
    this.backoff = backoff;
    this.maxRetries = maxRetries;
  }

  /** Waits {@code initial} before the first retry, doubling up to {@code max}; 3 retries. */
  public static RetryPolicy exponential(Duration initial, Duration max) {
    Objects.requireNonNull(initial, "initial == null");
    Objects.requireNonNull(max, "max == null");
    return new RetryPolicy(new Backoff(initial, max, 2.0, 0.2), 3);
  }

  /** Most retries after the first attempt (>= 0). */
  public RetryPolicy maxRetries(int maxRetries) {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must be >= 0: " + maxRetries);
    }
    return new RetryPolicy(backoff, maxRetries);
  }

  /** Growth factor of the wait per retry (>= 1). */
  public RetryPolicy multiplier(double multiplier) {
    return new RetryPolicy(
        new Backoff(backoff.initial(), backoff.max(), multiplier, backoff.jitter()), maxRetries);
  }

  /** Random spread of each wait, as a fraction between 0 and 1. */
  public RetryPolicy jitter(double jitter) {
    return new RetryPolicy(
        new Backoff(backoff.initial(), backoff.max(), backoff.multiplier(), jitter), maxRetries);
  }

  /** Most retries after the first attempt. */
  public int maxRetries() {
    return maxRetries;
  }

  /** The wait before retry {@code n} (1-based), jitter applied. */
  public Duration delayBefore(int n) {
    return Duration.ofNanos(backoff.delayNanos(n));
  }

  /**
   * Whether a call that failed with {@code failure} after {@code retries} retries is repeated.
   *
   * @param idempotent whether the method is marked {@link Idempotent}
   */
  boolean retries(WitException failure, int retries, boolean idempotent) {
    if (retries >= maxRetries || failure instanceof FrameTooLargeException) {
      return false; // refused for its size: it would be again
    }
    if (failure instanceof UnsentCallException) {
      return true;
    }
    if (!idempotent) {
      return false;
    }
    if (failure instanceof WitRemoteException remote) {
      return remote.status() == Status.UNAVAILABLE.code();
    }
    // the connection was lost while the call was in flight (a timeout, a security, serialization
    // or interrupt failure is not a transport failure and is not repeated)
    return failure instanceof WitTransportException;
  }

  @Override
  public String toString() {
    return "RetryPolicy" + backoff + ", maxRetries=" + maxRetries;
  }
}
