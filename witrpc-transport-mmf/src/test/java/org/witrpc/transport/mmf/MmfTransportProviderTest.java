package org.witrpc.transport.mmf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.witrpc.Transports;
import org.witrpc.internal.Durations;
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
    assertThat(server.address()).isEqualTo("mmf://calc?dir=/tmp"); // what reaches it
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
        .hasMessageContaining("8XB");
    assertThatThrownBy(
            () -> provider.server(URI.create("mmf://calc?spin=20"), TransportOptions.defaults()))
        .hasMessageContaining("needs a unit");
    assertThatThrownBy(
            () -> provider.server(URI.create("mmf://calc/x"), TransportOptions.defaults()))
        .hasMessageContaining("expected mmf://NAME");
  }

  @Test
  void parsesDurations() {
    assertThat(Durations.parse("20us")).isEqualTo(Duration.ofNanos(20_000));
    assertThat(Durations.parse("0")).isEqualTo(Duration.ZERO);
    assertThat(Durations.parse("2ms")).isEqualTo(Duration.ofMillis(2));
    assertThatThrownBy(() -> Durations.parse("-1us")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parsesSizesWithTheSharedParser() {
    assertThat(MmfTransport.server("x").size("64KiB").settings().capacity()).isEqualTo(32 << 10);
    assertThatThrownBy(
            () ->
                provider.server(
                    URI.create("mmf://calc?maxFrameSize=4GiB"), TransportOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too large");
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
