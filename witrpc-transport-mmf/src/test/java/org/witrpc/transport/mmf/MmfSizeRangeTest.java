package org.witrpc.transport.mmf;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.witrpc.Transports;

/**
 * {@code size} above its maximum: MmfTransport.ServerBuilder.size's javadoc says "maximum 1 GiB",
 * README.md says a value out of range is an error naming the option, the value and the range (the
 * same on a URI and a builder), and transport-mmf.md says spin's larger value "is an error, not
 * clamped". A size above 1 GiB is accepted and silently clamped to rings of 512 MiB each.
 */
class MmfSizeRangeTest {
  @Test
  void aSizeAboveTheMaximumIsRefusedOnTheBuilder() {
    assertThatThrownBy(() -> MmfTransport.server("x").size(8L << 30))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 GiB");
  }

  @Test
  void aSizeAboveTheMaximumIsRefusedOnTheUri() {
    assertThatThrownBy(() -> Transports.server("mmf://calc?size=8GiB"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mmf://calc?size=8GiB")
        .hasMessageContaining("size");
  }
}
