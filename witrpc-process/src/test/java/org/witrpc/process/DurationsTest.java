package org.witrpc.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The process module's timeouts and graces: a duration beyond any clock is taken as {@link
 * org.witrpc.internal.Durations#FOREVER}, so deadlines built from it never overflow; zero and
 * negative ones are refused naming the option.
 */
class DurationsTest {
  private static final Duration BEYOND = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);

  @Test
  void aTimeoutBeyondAnyClockIsForever() {
    assertThat(Durations.positive(BEYOND, "startTimeout"))
        .isEqualTo(org.witrpc.internal.Durations.FOREVER);
    assertThat(Durations.capped(BEYOND)).isEqualTo(org.witrpc.internal.Durations.FOREVER);
    assertThat(Durations.positive(Duration.ofSeconds(3), "startTimeout"))
        .isEqualTo(Duration.ofSeconds(3));
    long now = System.nanoTime();
    assertThat(now + Durations.capped(BEYOND).toNanos() - now).isPositive();
  }

  @Test
  void aRestartDelayBeyondAnyClockIsAtMostForever() {
    RestartPolicy policy = RestartPolicy.exponential(Duration.ofSeconds(1), BEYOND);
    Duration longest = policy.delayBefore(1_000);
    assertThat(longest).isEqualTo(org.witrpc.internal.Durations.FOREVER);
    assertThat(longest.toNanos()).isPositive();
    assertThat(RestartPolicy.exponential(BEYOND, BEYOND).delayBefore(3))
        .isEqualTo(org.witrpc.internal.Durations.FOREVER);
  }

  @Test
  void zeroAndNegativeTimeoutsAreRefusedNamingTheOption() {
    assertThatThrownBy(() -> Durations.positive(Duration.ZERO, "callTimeout"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("callTimeout must be positive: PT0S");
    assertThatThrownBy(
            () ->
                RestartPolicy.exponential(Duration.ofMillis(1), Duration.ofSeconds(1))
                    .within(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("within");
  }
}
