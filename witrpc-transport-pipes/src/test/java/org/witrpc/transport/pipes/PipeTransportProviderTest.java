package org.witrpc.transport.pipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.witrpc.Transports;
import org.witrpc.spi.RuntimeDirectory;
import org.witrpc.spi.TransportOptions;

class PipeTransportProviderTest {

  private final PipeTransportProvider provider = new PipeTransportProvider();

  private PipeServerTransport server(String uri) {
    return (PipeServerTransport) provider.server(URI.create(uri), TransportOptions.defaults());
  }

  @Test
  void aNameIsASocketInTheRuntimeDirectory() {
    PipeServerTransport server = server("pipe://calc");

    assertThat(server.address()).isEqualTo("pipe://calc");
    assertThat(server.socketPath())
        .isEqualTo(RuntimeDirectory.defaultDirectory().resolve("calc.sock"));
    assertThat(server.maxClients()).isEqualTo(TransportOptions.DEFAULT_MAX_CLIENTS);
    assertThat(server.maxFrameSize()).isEqualTo(TransportOptions.DEFAULT_MAX_FRAME_SIZE);
  }

  @Test
  void threeSlashesGiveAnAbsoluteSocketPath() {
    PipeServerTransport server = server("pipe:///tmp/witrpc-test/calc.sock");
    PipeClientTransport client =
        (PipeClientTransport)
            provider.client(
                URI.create("pipe:///tmp/witrpc-test/calc.sock"), TransportOptions.defaults());

    assertThat(server.socketPath()).isEqualTo(Path.of("/tmp/witrpc-test/calc.sock"));
    assertThat(server.address()).isEqualTo("pipe:///tmp/witrpc-test/calc.sock");
    assertThat(client.socketPath()).isEqualTo(server.socketPath());
  }

  @Test
  void queryOptionsOverrideThePassedOptions() {
    TransportOptions passed = TransportOptions.defaults().withMaxClients(7).withMaxFrameSize(9999);

    PipeServerTransport both =
        (PipeServerTransport)
            provider.server(URI.create("pipe://calc?maxClients=3&maxFrameSize=64KiB"), passed);
    PipeServerTransport none =
        (PipeServerTransport) provider.server(URI.create("pipe://calc"), passed);

    assertThat(both.maxClients()).isEqualTo(3);
    assertThat(both.maxFrameSize()).isEqualTo(64 << 10);
    assertThat(none.maxClients()).isEqualTo(7);
    assertThat(none.maxFrameSize()).isEqualTo(9999);
  }

  @Test
  void clientsAcceptTheSameUriAsServers() {
    assertThat(
            provider
                .client(
                    URI.create("pipe://calc?maxClients=3&maxFrameSize=1MiB"),
                    TransportOptions.defaults())
                .address())
        .isEqualTo("pipe://calc");
  }

  @Test
  void unknownOptionsAreNamed() {
    assertThatThrownBy(() -> server("pipe://calc?size=8MiB&maxClients=2&colour=blue"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown options 'size', 'colour'")
        .hasMessageContaining("maxClients, maxFrameSize");
  }

  @Test
  void badOptionValuesAreExplained() {
    assertThatThrownBy(() -> server("pipe://calc?maxFrameSize=12XB"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid size '12XB'");
    assertThatThrownBy(() -> server("pipe://calc?maxClients=0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxClients must be at least 1, not 0");
    assertThatThrownBy(() -> server("pipe://calc?maxClients"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not key=value");
    assertThatThrownBy(() -> server("pipe://calc?maxClients=1&maxClients=2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("given twice");
  }

  @Test
  void badNamesAndPathsAreExplained() {
    assertThatThrownBy(() -> server("pipe://.hidden"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid transport name");
    assertThatThrownBy(() -> server("pipe://" + "n".repeat(65)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 to 64 characters");
    assertThatThrownBy(() -> server("pipe:///tmp/" + "p".repeat(100) + ".sock"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("limited to about 100 bytes");
    assertThatThrownBy(() -> server("pipe://calc/extra"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pipe:///absolute/path.sock");
    assertThatThrownBy(() -> server("pipe://")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> server("pipe:calc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected pipe://NAME");
  }

  @Test
  void transportsFindsThePipeProviderThroughServiceLoader() {
    assertThat(Transports.server("pipe://calc")).isInstanceOf(PipeServerTransport.class);
    assertThat(Transports.client("pipe://calc?maxFrameSize=1MiB"))
        .isInstanceOf(PipeClientTransport.class);
  }

  @Test
  void buildersCheckTheirArguments() {
    assertThatThrownBy(() -> PipeTransport.server((String) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("name == null");
    assertThatThrownBy(() -> PipeTransport.server(Path.of("relative.sock")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not absolute");
    assertThatThrownBy(
            () -> PipeTransport.client(Path.of("/tmp/x.sock")).directory(Path.of("/tmp")))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> PipeTransport.server("calc").maxClients(0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
