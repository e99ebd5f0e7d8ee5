package org.witrpc.transport.tcp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.witrpc.Serializers;
import org.witrpc.Transports;
import org.witrpc.WitTransportException;
import org.witrpc.client.WitClient;
import org.witrpc.internal.EnvelopeCodec;
import org.witrpc.internal.Handshake;
import org.witrpc.internal.MessageType;
import org.witrpc.server.WitServer;
import org.witrpc.spi.Connection;
import org.witrpc.testkit.RecordingListener;
import org.witrpc.testkit.TestService;
import org.witrpc.testkit.TestServiceImpl;

/**
 * A network server's client slots are not kept by peers that finished the transport's opening
 * exchange (the hello of {@code tcp://}, the upgrade of {@code ws://}) but not the witrpc
 * handshake: such a peer proves nothing (it has no access token), and when every slot is taken a
 * newcomer closes the oldest of them instead of being refused. Clients that completed the handshake
 * are never closed for a newcomer: beyond them, the newcomer is refused as before. The handshake
 * timeout is a minute here, so that only such an eviction can free a slot during a test.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class AbstractUnauthenticatedSlotsTest {
  private static final Duration AWAIT = Duration.ofSeconds(10);
  private static final String TOKEN = "a token the stalled peers do not know";

  private final List<AutoCloseable> resources = new ArrayList<>();

  /** For the subclass of each transport. */
  protected AbstractUnauthenticatedSlotsTest() {}

  /**
   * The URI of a plain server on 127.0.0.1, port 0, with {@code query}: {@code "tcp://127.0.0.1:0?"
   * + query}.
   */
  protected abstract String serverUri(String query);

  @AfterEach
  void closeAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private WitServer startServer(int maxClients) {
    WitServer server =
        WitServer.builder()
            .service(TestService.class, new TestServiceImpl())
            .transport(serverUri("maxClients=" + maxClients))
            .accessToken(TOKEN)
            .handshakeTimeout(Duration.ofMinutes(1))
            .build();
    resources.add(server);
    return server.start();
  }

  /** A peer past the transport's opening exchange that never completes the witrpc handshake. */
  private record Stalled(Connection connection, RecordingListener listener) {}

  /**
   * Opens a transport connection and says HELLO, but sends no AUTH (it has no token). Its state on
   * the server is that of a socket that only said the transport's hello; the HELLO_ACK tells the
   * test that the server has taken the connection.
   */
  private Stalled stall(WitServer server) throws InterruptedException {
    RecordingListener listener = new RecordingListener();
    Connection connection = Transports.client(server.address()).connect(listener, AWAIT);
    resources.add(connection::close);
    connection.send(
        Handshake.hello(
            MessageType.HELLO,
            new Handshake.Hello(Handshake.PROTOCOL_VERSION, 0, Serializers.json().name())));
    assertThat(EnvelopeCodec.decode(listener.nextFrame(AWAIT)).type())
        .isEqualTo(MessageType.HELLO_ACK);
    return new Stalled(connection, listener);
  }

  private WitClient newClient(WitServer server) {
    WitClient client = WitClient.builder().transport(server.address()).accessToken(TOKEN).build();
    resources.add(client);
    return client;
  }

  private WitClient connect(WitServer server) {
    WitClient client = newClient(server);
    client.connect(AWAIT);
    return client;
  }

  private static void assertCalls(WitClient client, String text) {
    assertThat(client.service(TestService.class).echo(text)).isEqualTo(text);
  }

  @Test
  void peersThatNeverCompleteTheHandshakeKeepNoClientOut() throws Exception {
    WitServer server = startServer(2);
    Stalled older = stall(server);
    Stalled newer = stall(server);

    WitClient first = connect(server);
    assertCalls(first, "first");
    // the oldest stalled peer gave its slot up; the other keeps its own until it is needed
    assertThat(older.listener().awaitClosed(AWAIT)).isPresent();
    assertThat(newer.connection().isOpen()).isTrue();

    WitClient second = connect(server);
    assertCalls(second, "second");
    assertThat(newer.listener().awaitClosed(AWAIT)).isPresent();

    // both slots are READY clients now: a newcomer is refused, and neither is closed for it
    assertThatThrownBy(() -> newClient(server).connect(AWAIT))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("maximum of 2 clients");
    assertCalls(first, "first again");
    assertCalls(second, "second again");
  }
}
