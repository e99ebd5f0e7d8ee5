package org.witrpc.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A restart policy's backoff doubles from its initial delay up to its maximum. */
class RestartPolicyTest {

  @Test
  void theDelayDoublesFromInitialUpToMax() {
    RestartPolicy policy =
        RestartPolicy.exponential(Duration.ofMillis(100), Duration.ofSeconds(1)).maxRestarts(10);
    assertThat(policy.delayBefore(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(policy.delayBefore(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(policy.delayBefore(4)).isEqualTo(Duration.ofMillis(800));
    assertThat(policy.delayBefore(5)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aZeroInitialDelayWithAPositiveMaxIsRefusedNamingBoth() {
    // zero doubled stays zero: it never backed off, whatever the maximum said
    assertThatThrownBy(() -> RestartPolicy.exponential(Duration.ZERO, Duration.ofSeconds(5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "initial must be positive when max is (zero never doubles): initial PT0S, max PT5S");
  }

  @Test
  void zeroToZeroRestartsAtOnceEveryTime() {
    RestartPolicy policy = RestartPolicy.exponential(Duration.ZERO, Duration.ZERO);
    assertThat(policy.delayBefore(1)).isEqualTo(Duration.ZERO);
    assertThat(policy.delayBefore(5)).isEqualTo(Duration.ZERO);
  }
}
