package org.witrpc;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TransportsTest {

  @Test
  void unknownSchemeIsRefusedWithTheKnownSchemes() {
    assertThatThrownBy(() -> Transports.server("carrier-pigeon://calc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown transport scheme 'carrier-pigeon'")
        .hasMessageContaining("mem, pipe, mmf");
  }

  @Test
  void missingTransportArtifactIsNamed() {
    assertThatThrownBy(() -> Transports.client("mmf://calc?size=8MiB"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("org.witrpc:witrpc-transport-mmf");
  }

  @Test
  void uriWithoutSchemeIsRefused() {
    assertThatThrownBy(() -> Transports.server("calc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no scheme");
  }

  @Test
  void malformedUriIsRefused() {
    assertThatThrownBy(() -> Transports.server("pipe://a b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed transport URI");
  }
}
