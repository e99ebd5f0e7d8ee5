package org.witrpc.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.witrpc.Transports;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.Connection;
import org.witrpc.spi.ServerTransport;
import org.witrpc.testkit.RecordingListener;

/** {@code tcp://} URIs through {@link Transports}: addresses, options and their errors. */
class TcpTransportProviderTest {

  @Test
  void anEphemeralPortShowsTheBoundPortAndClientsReachIt() throws Exception {
    try (ServerTransport server = Transports.server("tcp://127.0.0.1:0?maxClients=2")) {
      assertThat(server).isInstanceOf(TcpServerTransport.class);
      assertThat(((TcpServerTransport) server).maxClients()).isEqualTo(2);
      server.start(connection -> new RecordingListener(connection::send));
      assertThat(server.address()).matches("tcp://127\\.0\\.0\\.1:[1-9][0-9]*");

      ClientTransport client = Transports.client(server.address() + "?heartbeat=1s");
      RecordingListener listener = new RecordingListener();
      Connection connection = client.connect(listener, Duration.ofSeconds(10));
      try {
        connection.send(ByteBuffer.wrap(new byte[] {5}));
        assertThat(listener.nextFrame(Duration.ofSeconds(10)).get(0)).isEqualTo((byte) 5);
      } finally {
        connection.close();
      }
    }
  }

  @Test
  void writesIpv6AddressesInBrackets() {
    ServerTransport server = Transports.server("tcp://[::1]:7000");
    assertThat(server.address()).isEqualTo("tcp://[::1]:7000");
    assertThat(Transports.client("tcp://[::1]:7000").address()).isEqualTo("tcp://[::1]:7000");
  }

  @Test
  void acceptsAHostNameWithAnUnderscore() {
    // Docker Compose service names; java.net.URI finds no host in them (parsing only: no lookup)
    assertThat(Transports.client("tcp://my_host:7000").address()).isEqualTo("tcp://my_host:7000");
    assertThat(Transports.client("tcp://db_1.my_net.:7000?tls=true").address())
        .isEqualTo("tcp://db_1.my_net.:7000");
    assertThat(Transports.server("tcp://my_host:0?insecure=true").address())
        .isEqualTo("tcp://my_host:0");
    // leading zeros in the port, as java.net.URI reads them for other names
    assertThat(Transports.client("tcp://my_host:0007000").address())
        .isEqualTo("tcp://my_host:7000");
  }

  @Test
  void refusesMalformedHostNamesWithTheReason() {
    assertThatThrownBy(() -> Transports.client("tcp://my_host"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no port");
    assertThatThrownBy(() -> Transports.client("tcp://my_host:70000"))
        .hasMessageContaining("not between 0 and 65535");
    assertThatThrownBy(() -> Transports.client("tcp://user@my_host:7000"))
        .hasMessageContaining("user info");
    assertThatThrownBy(() -> Transports.client("tcp://my_host:7000/path"))
        .hasMessageContaining("no path");
    // thousands of labels: refused by length, not a StackOverflowError from the pattern
    String huge = "tcp://my_db." + "a.".repeat(4_000) + "x:7000";
    assertThatThrownBy(() -> Transports.client(huge))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 253 characters");
    for (String uri :
        new String[] {
          "tcp://my_host:http",
          "tcp://my%5Fhost:7000",
          "tcp://my_host..x:7000",
          "tcp://my*host:7000"
        }) {
      assertThatThrownBy(() -> Transports.client(uri))
          .as(uri)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("expected tcp://HOST:PORT");
    }
  }

  @Test
  void readsSizesDurationsAndTlsOptions() {
    TcpServerTransport server =
        (TcpServerTransport)
            Transports.server("tcp://127.0.0.1:0?maxFrameSize=1MiB&sendTimeout=500ms&heartbeat=0");
    assertThat(server.maxFrameSize()).isEqualTo(1 << 20);
    assertThat(server.isTls()).isFalse();
    assertThat(((TcpClientTransport) Transports.client("tcp://localhost:7000?tls=true")).isTls())
        .isTrue();
  }

  @Test
  void refusesMalformedUrisWithTheReason() {
    assertThatThrownBy(() -> Transports.server("tcp://127.0.0.1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no port");
    assertThatThrownBy(() -> Transports.client("tcp://127.0.0.1:0")).hasMessageContaining("not 0");
    assertThatThrownBy(() -> Transports.server("tcp://127.0.0.1:7000?color=red"))
        .hasMessageContaining("unknown option 'color'");
    // the query rules every transport shares (spi.TransportUri)
    assertThatThrownBy(() -> Transports.server("tcp://127.0.0.1:7000?heartbeat=1s&&insecure=true"))
        .hasMessageContaining("an empty option");
    assertThatThrownBy(() -> Transports.server("tcp://127.0.0.1:7000?heartbeat=1s&heartbeat=2s"))
        .hasMessageContaining("given twice");
    assertThatThrownBy(() -> Transports.server("tcp://127.0.0.1:7000?maxFrameSize=16"))
        .hasMessageContaining("maxFrameSize");
    assertThatThrownBy(() -> Transports.server("tcp://127.0.0.1:7000/path"))
        .hasMessageContaining("no path");
    assertThatThrownBy(() -> Transports.server("tcp://127.0.0.1:7000?tls=true"))
        .hasMessageContaining("certificate=PEM-FILE and key=PEM-FILE");
    assertThatThrownBy(() -> Transports.server("tcp://127.0.0.1:7000?heartbeat=1ms"))
        .hasMessageContaining("at least 10 ms");
    assertThatThrownBy(() -> Transports.client("tcp://h:7000?tls=false&trust=/ca.pem"))
        .hasMessageContaining("contradicts");
  }
}
