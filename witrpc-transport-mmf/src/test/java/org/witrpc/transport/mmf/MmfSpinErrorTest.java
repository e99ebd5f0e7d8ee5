package org.witrpc.transport.mmf;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.witrpc.Transports;

/**
 * README.md: "A value out of range is an error naming the option, the value and the range". The URI
 * option is {@code spin}; its error names the builder's {@code spinBudget}, an option that a URI
 * does not know (spinBudget=... is refused as unknown).
 */
class MmfSpinErrorTest {
  @Test
  void anOutOfRangeSpinIsReportedUnderTheOptionsName() {
    assertThatThrownBy(() -> Transports.server("mmf://calc?spin=20ms"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("20ms")
        .hasMessageContaining("10ms")
        .hasMessageNotContaining("spinBudget");
  }
}
