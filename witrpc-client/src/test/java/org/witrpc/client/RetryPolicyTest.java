package org.witrpc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.witrpc.client.RetryPolicyDecisions.remote;
import static org.witrpc.client.RetryPolicyDecisions.retries;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.witrpc.Status;
import org.witrpc.WitTransportException;

/** Which failures a {@link RetryPolicy} repeats, and its backoff. */
class RetryPolicyTest {
  @Test
  void unsentCallsAreAlwaysRetriedUpToTheMaximum() {
    UnsentCallException unsent = new UnsentCallException("not connected", null);
    assertThat(retries(unsent, 0, false)).isTrue();
    assertThat(retries(unsent, 2, false)).isFalse();
  }

  @Test
  void sentCallsAreRetriedOnlyWhenIdempotentAndTransient() {
    WitTransportException lost = new WitTransportException("connection closed");
    assertThat(retries(lost, 0, false)).isFalse();
    assertThat(retries(lost, 0, true)).isTrue();
    assertThat(retries(remote(Status.UNAVAILABLE), 0, true)).isTrue();
    assertThat(retries(remote(Status.UNAVAILABLE), 0, false)).isFalse();
    for (Status s :
        new Status[] {
          Status.BAD_REQUEST,
          Status.NOT_FOUND,
          Status.SERVER_ERROR,
          Status.UNAUTHORIZED,
          Status.DEADLINE_EXCEEDED
        }) {
      assertThat(retries(remote(s), 0, true)).as("%s", s).isFalse();
    }
    assertThat(retries(RetryPolicyDecisions.timeout(), 0, true)).isFalse();
  }

  @Test
  void theKindOfFailureDecidesNotItsExactClass() {
    // a connection closed because the peer stalled is lost like any other: retried when idempotent
    WitTransportException stalled = new org.witrpc.spi.SendStalledException("peer stalled");
    assertThat(retries(stalled, 0, true)).isTrue();
    assertThat(retries(stalled, 0, false)).isFalse();
    // an interrupted caller gave up: never repeated
    assertThat(retries(new InterruptedCallException("interrupted"), 0, true)).isFalse();
    assertThat(retries(new org.witrpc.WitSecurityException("refused"), 0, true)).isFalse();
  }

  @Test
  void backoffGrowsUpToTheCapWithJitter() {
    RetryPolicy p =
        RetryPolicy.exponential(Duration.ofMillis(10), Duration.ofMillis(50)).jitter(0.5);
    for (int i = 0; i < 100; i++) {
      assertThat(p.delayBefore(1)).isBetween(Duration.ofMillis(5), Duration.ofMillis(15));
      assertThat(p.delayBefore(10)).isBetween(Duration.ofMillis(25), Duration.ofMillis(50));
    }
    ReconnectPolicy r =
        ReconnectPolicy.exponential(Duration.ofMillis(100), Duration.ofSeconds(1)).jitter(0);
    assertThat(r.delayBefore(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(r.delayBefore(3)).isEqualTo(Duration.ofMillis(400));
    assertThat(r.delayBefore(30)).isEqualTo(Duration.ofSeconds(1));
  }
}
