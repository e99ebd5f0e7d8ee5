package org.witrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.witrpc.spi.TransportOptions;

class LimitsTest {

  @Test
  void eachSettingHasOneRangeAndAMessageNamingSettingValueAndRange() {
    assertThat(Limits.maxFrameSize(1024)).isEqualTo(1024);
    assertThatThrownBy(() -> Limits.maxFrameSize(1023))
        .hasMessage("maxFrameSize must be at least 1024 bytes (1 KiB), not 1023 bytes");
    assertThatThrownBy(() -> Limits.maxClients(0))
        .hasMessage("maxClients must be at least 1, not 0");
    assertThat(Limits.sendTimeout(Duration.ofMillis(1))).isEqualTo(Duration.ofMillis(1));
    assertThatThrownBy(() -> Limits.sendTimeout(Duration.ofNanos(999_999)))
        .hasMessage("sendTimeout must be at least 1ms, not 999999ns");
    assertThatThrownBy(() -> Limits.positive("handshakeTimeout", Duration.ZERO))
        .hasMessage("handshakeTimeout must be longer than 0, not 0s");
  }

  @Test
  void theSpinBudgetIsRefusedOutsideItsRangeNotClamped() {
    assertThat(Limits.spinBudget(Duration.ZERO)).isEqualTo(Duration.ZERO);
    assertThat(Limits.spinBudget(Duration.ofMillis(10))).isEqualTo(Duration.ofMillis(10));
    assertThatThrownBy(() -> Limits.spinBudget(Duration.ofSeconds(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("spinBudget must be between 0 and 10ms, not 2s");
    assertThatThrownBy(() -> Limits.spinBudget(Duration.ofNanos(-20_000)))
        .hasMessage("spinBudget must be between 0 and 10ms, not -20us");
  }

  @Test
  void transportOptionsUseTheSameRules() {
    assertThatThrownBy(() -> TransportOptions.defaults().withMaxFrameSize(64))
        .hasMessage("maxFrameSize must be at least 1024 bytes (1 KiB), not 64 bytes");
    assertThatThrownBy(() -> TransportOptions.defaults().withSendTimeout(Duration.ZERO))
        .hasMessage("sendTimeout must be at least 1ms, not 0s");
  }
}
