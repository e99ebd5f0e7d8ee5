package org.witrpc.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.witrpc.Transports;
import org.witrpc.WitTransportException;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.Connection;
import org.witrpc.spi.ServerTransport;
import org.witrpc.testkit.RecordingListener;

/** {@code ws://} and {@code wss://} URIs through {@link Transports}: addresses, options, errors. */
class WsTransportProviderTest {

  @Test
  void anEphemeralPortShowsTheBoundPortAndPathAndClientsReachIt() throws Exception {
    try (ServerTransport server = Transports.server("ws://127.0.0.1:0/calc?maxClients=2")) {
      assertThat(server).isInstanceOf(WebSocketServerTransport.class);
      assertThat(((WebSocketServerTransport) server).maxClients()).isEqualTo(2);
      server.start(connection -> new RecordingListener(connection::send));
      assertThat(server.address()).matches("ws://127\\.0\\.0\\.1:[1-9][0-9]*/calc");

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

  /**
   * A path with percent-encoded characters: the server compares the decoded path of the request
   * with its own decoded path, so its own clients (which send the path as written in the URI) and
   * clients that encode the same characters otherwise reach it.
   */
  @Test
  void aPercentEncodedPathIsServedToItsClients() throws Exception {
    try (ServerTransport server = Transports.server("ws://127.0.0.1:0/my%20calc/caf%C3%A9")) {
      server.start(connection -> new RecordingListener(connection::send));
      assertThat(server.address()).endsWith("/my%20calc/caf%C3%A9");
      int port = ((WebSocketServerTransport) server).port();
      for (String path : new String[] {"/my%20calc/caf%C3%A9", "/my%20calc/caf%c3%a9"}) {
        RecordingListener listener = new RecordingListener();
        Connection connection =
            Transports.client("ws://127.0.0.1:" + port + path)
                .connect(listener, Duration.ofSeconds(10));
        try {
          connection.send(ByteBuffer.wrap(new byte[] {6}));
          assertThat(listener.nextFrame(Duration.ofSeconds(10)).get(0)).isEqualTo((byte) 6);
        } finally {
          connection.close();
        }
      }
      assertThatThrownBy(
              () ->
                  Transports.client("ws://127.0.0.1:" + port + "/my%20calc")
                      .connect(new RecordingListener(), Duration.ofSeconds(10)))
          .hasMessageContaining("HTTP 404");
    }
  }

  @Test
  void readsAddressesSizesAndTheScheme() {
    assertThat(Transports.server("ws://[::1]:7000/rpc").address()).isEqualTo("ws://[::1]:7000/rpc");
    assertThat(Transports.client("ws://localhost:7000").address())
        .isEqualTo("ws://localhost:7000/");
    WebSocketServerTransport server =
        (WebSocketServerTransport) Transports.server("ws://127.0.0.1:0/x?maxFrameSize=1MiB");
    assertThat(server.maxFrameSize()).isEqualTo(1 << 20);
    assertThat(server.isTls()).isFalse();
    WebSocketClientTransport wss =
        (WebSocketClientTransport) Transports.client("wss://localhost:7443/rpc");
    assertThat(wss.isTls()).isTrue();
    assertThat(wss.address()).isEqualTo("wss://localhost:7443/rpc");
  }

  @Test
  void acceptsAHostNameWithAnUnderscore() {
    // Docker Compose service names; java.net.URI finds no host in them (parsing only: no lookup)
    assertThat(Transports.client("ws://my_host:7000/calc").address())
        .isEqualTo("ws://my_host:7000/calc");
    assertThat(Transports.client("wss://my_host:7443/calc").address())
        .isEqualTo("wss://my_host:7443/calc");
    assertThat(Transports.server("ws://my_host:0/calc?insecure=true").address())
        .isEqualTo("ws://my_host:0/calc");
    assertThatThrownBy(() -> Transports.client("ws://my_host/calc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no port");
  }

  @Test
  void refusesMalformedUrisWithTheReason() {
    assertThatThrownBy(() -> Transports.server("ws://127.0.0.1/rpc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no port");
    assertThatThrownBy(() -> Transports.client("ws://127.0.0.1:0/rpc"))
        .hasMessageContaining("not 0");
    assertThatThrownBy(() -> Transports.server("ws://127.0.0.1:7000/rpc?color=red"))
        .hasMessageContaining("unknown option 'color'");
    assertThatThrownBy(() -> Transports.client("ws://127.0.0.1:7000/rpc?trust=/ca.pem"))
        .hasMessageContaining("use wss://");
    assertThatThrownBy(() -> Transports.server("wss://127.0.0.1:7000/rpc"))
        .hasMessageContaining("certificate=PEM-FILE and key=PEM-FILE");
    // client certificates are never left to the JDK's default trust store (public CAs)
    assertThatThrownBy(
            () ->
                Transports.server(
                    "wss://127.0.0.1:7000/rpc?certificate=/s.pem&key=/s.key&clientAuth=require"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("clientAuth=require needs trust");
    assertThatThrownBy(() -> Transports.client("wss://127.0.0.1:7000/rpc?tls=false"))
        .hasMessageContaining("contradicts");
  }

  @Test
  void refusesPlainWebSocketOnAWildcardAddressUnlessInsecure() {
    try (ServerTransport refused = Transports.server("ws://0.0.0.0:0/rpc")) {
      assertThatThrownBy(() -> refused.start(connection -> new RecordingListener()))
          .isInstanceOf(WitTransportException.class)
          .hasMessageContaining("insecure=true");
    }
    try (ServerTransport allowed = Transports.server("ws://0.0.0.0:0/rpc?insecure=true")) {
      allowed.start(connection -> new RecordingListener());
      assertThat(allowed.address()).startsWith("ws://0.0.0.0:").endsWith("/rpc");
    }
  }
}
