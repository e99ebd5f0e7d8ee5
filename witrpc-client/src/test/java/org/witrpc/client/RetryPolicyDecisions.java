package org.witrpc.client;

import java.time.Duration;
import org.witrpc.Status;
import org.witrpc.WitRemoteException;
import org.witrpc.WitTimeoutException;
import org.witrpc.WitTransportException;

/** The decisions of {@link RetryPolicy}, checked by {@link RetryPolicyTest}. */
final class RetryPolicyDecisions {
  private static final RetryPolicy POLICY =
      RetryPolicy.exponential(Duration.ofMillis(1), Duration.ofMillis(2)).maxRetries(2);

  private RetryPolicyDecisions() {}

  static boolean retriesIdempotentTransportFailure() {
    return POLICY.retries(new WitTransportException("lost"), 0, true);
  }

  static boolean retries(Throwable t, int retries, boolean idempotent) {
    return POLICY.retries((org.witrpc.WitException) t, retries, idempotent);
  }

  static WitRemoteException remote(Status status) {
    return new WitRemoteException("X.m()", status.code(), null, "m", null);
  }

  static WitTimeoutException timeout() {
    return new WitTimeoutException("late");
  }
}
