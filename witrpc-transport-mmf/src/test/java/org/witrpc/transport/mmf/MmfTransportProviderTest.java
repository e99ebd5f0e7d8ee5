package org.witrpc.transport.mmf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.witrpc.Transports;
import org.witrpc.spi.TransportOptions;

class MmfTransportProviderTest {
  private final MmfTransportProvider provider = new MmfTransportProvider();

  @Test
  void isFoundThroughServiceLoader() {
    assertThat(Transports.server("mmf://calc?size=8MiB")).isInstanceOf(MmfServerTransport.class);
    assertThat(Transports.client("mmf://calc").address()).isEqualTo("mmf://calc");
  }

  @Test
  void parsesEveryOption() {
    MmfServerTransport server =
        (MmfServerTransport)
            provider.server(
                URI.create(
                    "mmf://calc?size=8MiB&spin=20us&maxClients=4&maxFrameSize=1MiB&dir=/tmp"),
                TransportOptions.defaults());
    assertThat(server.address()).isEqualTo("mmf://calc");
  }

  @Test
  void refusesUnknownOptions() {
    assertThatThrownBy(
            () -> provider.server(URI.create("mmf://calc?colour=red"), TransportOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown option 'colour'");
    assertThatThrownBy(
            () -> provider.client(URI.create("mmf://calc?sise=1"), TransportOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesMalformedValues() {
    assertThatThrownBy(
            () -> provider.server(URI.create("mmf://calc?size=8XB"), TransportOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unit");
    assertThatThrownBy(
            () -> provider.server(URI.create("mmf://calc?spin=20"), TransportOptions.defaults()))
        .hasMessageContaining("needs a unit");
    assertThatThrownBy(
            () -> provider.server(URI.create("mmf://calc/x"), TransportOptions.defaults()))
        .hasMessageContaining("expected mmf://NAME");
  }

  @Test
  void parsesSizesAndDurations() {
    assertThat(ByteSizes.parseSize("8MiB")).isEqualTo(8L << 20);
    assertThat(ByteSizes.parseSize("64k")).isEqualTo(64L << 10);
    assertThat(ByteSizes.parseSize("65536")).isEqualTo(65536);
    assertThat(ByteSizes.parseSize("1GiB")).isEqualTo(1L << 30);
    assertThat(ByteSizes.parseDuration("20us")).isEqualTo(Duration.ofNanos(20_000));
    assertThat(ByteSizes.parseDuration("0")).isEqualTo(Duration.ZERO);
    assertThat(ByteSizes.parseDuration("2ms")).isEqualTo(Duration.ofMillis(2));
    assertThatThrownBy(() -> ByteSizes.parseSize("-1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void buildersRefuseBadSettings() {
    assertThatThrownBy(() -> MmfTransport.server("a/b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MmfTransport.server("x").size(100)).hasMessageContaining("too small");
    assertThatThrownBy(() -> MmfTransport.server("x").maxClients(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MmfTransport.client("x").spinBudget(null))
        .hasMessage("spinBudget == null");
  }
}
