package org.witrpc.transport.pipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.witrpc.WitTransportException;
import org.witrpc.client.WitClient;
import org.witrpc.server.WitServer;
import org.witrpc.spi.TransportOptions;
import org.witrpc.testkit.TestService;
import org.witrpc.testkit.TestServiceImpl;

/**
 * Raw socket peers that speak the pipe wire format (docs/transport-pipes.md) and then misbehave
 * before the handshake: they must cost the server little and lock out no one.
 */
@DisplayName("Unauthenticated peers over pipe://")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PipeUnauthenticatedPeerTest {
  private static final Duration AWAIT = Duration.ofSeconds(10);

  private final String name = "up" + ProcessHandle.current().pid() + "-" + System.nanoTime() % 1000;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private PipeServerTransport transport;

  @AfterEach
  void closeAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private void startServer(Duration handshakeTimeout) {
    transport = PipeTransport.server(name).maxClients(1).build();
    WitServer server =
        WitServer.builder()
            .service(TestService.class, new TestServiceImpl())
            .transport(transport)
            .handshakeTimeout(handshakeTimeout)
            .build()
            .start();
    resources.add(server);
  }

  /** Connects a raw peer and reads the ACCEPTED status byte: it now holds a client slot. */
  private SocketChannel rawPeer() throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    resources.add(channel);
    channel.connect(UnixDomainSocketAddress.of(transport.socketPath()));
    ByteBuffer status = ByteBuffer.allocate(1);
    assertThat(RawPeers.read(channel, status, AWAIT)).as("status byte").isTrue();
    assertThat(status.get(0)).as("status ACCEPTED").isEqualTo(PipeWire.ACCEPTED);
    return channel;
  }

  @Test
  void aPeerAnnouncingAHugeFrameBeforeTheHandshakeIsDisconnectedAtOnce() throws Exception {
    startServer(Duration.ofMinutes(1)); // far away: only the frame limit can close it in time
    SocketChannel peer = rawPeer();

    ByteBuffer prefix = ByteBuffer.allocate(4).putInt(0, TransportOptions.DEFAULT_MAX_FRAME_SIZE);
    while (prefix.hasRemaining()) {
      peer.write(prefix);
    }

    assertThat(RawPeers.awaitEndOfStream(peer, AWAIT))
        .as("the server closed the connection after a 256 MiB length before READY")
        .isTrue();
    assertThat(callEchoWithin(AWAIT))
        .as("a real client's call after the slot freed")
        .isEqualTo("hi");
  }

  @Test
  void aSilentPeerIsDroppedAfterTheHandshakeTimeoutAndItsSlotIsFreeAgain() throws Exception {
    startServer(Duration.ofMillis(500));
    SocketChannel peer = rawPeer();

    assertThatThrownBy(() -> newClient().connect(AWAIT))
        .as("the only slot is held by the silent peer")
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("maximum");

    assertThat(RawPeers.awaitEndOfStream(peer, AWAIT))
        .as("the server dropped the silent peer after its handshake timeout")
        .isTrue();
    assertThat(callEchoWithin(AWAIT)).isEqualTo("hi");
  }

  @Test
  void aPeerThatStopsAfterHelloIsDroppedToo() throws Exception {
    startServer(Duration.ofMillis(500));
    SocketChannel peer = rawPeer();
    ByteBuffer hello =
        org.witrpc.internal.Handshake.hello(
            org.witrpc.internal.MessageType.HELLO,
            new org.witrpc.internal.Handshake.Hello(
                org.witrpc.internal.Handshake.PROTOCOL_VERSION, 0, "json"));
    ByteBuffer frame = ByteBuffer.allocate(4 + hello.remaining());
    frame.putInt(hello.remaining()).put(hello).flip();
    while (frame.hasRemaining()) {
      peer.write(frame);
    }

    assertThat(RawPeers.awaitEndOfStream(peer, AWAIT)).isTrue();
    assertThat(callEchoWithin(AWAIT)).isEqualTo("hi");
  }

  private WitClient newClient() {
    WitClient client = WitClient.builder().transport("pipe://" + name).timeout(AWAIT).build();
    resources.add(client);
    return client;
  }

  /**
   * Connects a real client (retrying while the freed slot is not yet given back: the peer may see
   * the close a moment before the server releases the slot) and calls echo.
   */
  private String callEchoWithin(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      WitClient client = newClient();
      try {
        client.connect(AWAIT);
        return client.service(TestService.class).echo("hi");
      } catch (WitTransportException refused) {
        if (System.nanoTime() - deadline > 0) {
          throw refused;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      }
    }
  }

  /** Helpers for raw peers: bounded reads on a socket channel. */
  static final class RawPeers {
    private RawPeers() {}

    /** Fills {@code dst}; false at end of stream or after {@code timeout}. */
    static boolean read(SocketChannel channel, ByteBuffer dst, Duration timeout)
        throws IOException {
      long deadline = System.nanoTime() + timeout.toNanos();
      channel.configureBlocking(false);
      try (Selector selector = Selector.open()) {
        channel.register(selector, SelectionKey.OP_READ);
        while (dst.hasRemaining()) {
          if (channel.read(dst) < 0) {
            return false;
          }
          long left = deadline - System.nanoTime();
          if (dst.hasRemaining()) {
            if (left <= 0) {
              return false;
            }
            selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            selector.selectedKeys().clear();
          }
        }
        return true;
      }
    }

    /** True if the peer closes the stream within {@code timeout} (bytes before it are skipped). */
    static boolean awaitEndOfStream(SocketChannel channel, Duration timeout) throws IOException {
      long deadline = System.nanoTime() + timeout.toNanos();
      ByteBuffer sink = ByteBuffer.allocate(4096);
      channel.configureBlocking(false);
      try (Selector selector = Selector.open()) {
        channel.register(selector, SelectionKey.OP_READ);
        while (true) {
          sink.clear();
          int n;
          try {
            n = channel.read(sink);
          } catch (IOException reset) {
            return true; // connection reset: closed by the server too
          }
          if (n < 0) {
            return true;
          }
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          if (n == 0) {
            selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            selector.selectedKeys().clear();
          }
        }
      }
    }
  }
}
