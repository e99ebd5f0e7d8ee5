package org.witrpc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.witrpc.WitTransportException;
import org.witrpc.internal.Handshake;
import org.witrpc.internal.MessageType;
import org.witrpc.server.WitServer;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.TransportOptions;
import org.witrpc.testkit.RawSockets;
import org.witrpc.testkit.TestService;
import org.witrpc.testkit.TestServiceImpl;

/**
 * Raw peers that speak a local transport's wire format by hand and then misbehave before the
 * handshake: they must cost a server of one client slot little and lock out no one. A transport's
 * tests extend it and say how a raw peer gets past the transport's own accept step.
 *
 * <p>Thread safety: JUnit creates one instance per test; not shared between threads.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class AbstractUnauthenticatedPeerTest {
  /** How long a test waits for something that should happen at once. */
  protected static final Duration AWAIT = Duration.ofSeconds(10);

  private final List<AutoCloseable> resources = new ArrayList<>();

  /** A peer past the transport's accept step, holding the server's only client slot. */
  protected interface RawPeer {
    /** Its socket: the server closing it is what the tests wait for. */
    SocketChannel channel();

    /** Announces a frame of {@code length} bytes and sends none of its body. */
    void announceFrame(int length) throws IOException;

    /** Sends one whole (small) frame. */
    void sendFrame(ByteBuffer frame) throws IOException;
  }

  /** An unstarted server transport that admits one client at a time. */
  protected abstract ServerTransport newServer();

  /** A client transport of that server. */
  protected abstract ClientTransport newClient();

  /** Connects to the server and does the transport's accept step by hand. */
  protected abstract RawPeer rawPeer() throws IOException;

  /** Registers {@code resource} to be closed after the test, in reverse order. */
  protected <T extends AutoCloseable> T track(T resource) {
    resources.add(resource);
    return resource;
  }

  /** Called after everything the test opened is closed. */
  protected void afterClose() throws Exception {}

  @AfterEach
  void closeAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
    afterClose();
  }

  /** Starts a server of {@link TestService} on {@link #newServer()}. */
  protected void startServer(Duration handshakeTimeout) {
    track(
        WitServer.builder()
            .service(TestService.class, new TestServiceImpl())
            .transport(newServer())
            .handshakeTimeout(handshakeTimeout)
            .build()
            .start());
  }

  @Test
  void aPeerAnnouncingAHugeFrameBeforeTheHandshakeIsDisconnectedAtOnce() throws Exception {
    startServer(Duration.ofMinutes(1)); // far away: only the frame limit can close it in time
    RawPeer peer = rawPeer();

    peer.announceFrame(TransportOptions.DEFAULT_MAX_FRAME_SIZE);

    assertThat(RawSockets.awaitEndOfStream(peer.channel(), AWAIT))
        .as("the server closed the connection after a 256 MiB frame announced before READY")
        .isTrue();
    assertThat(callEchoWithin(AWAIT))
        .as("a real client's call after the slot freed")
        .isEqualTo("hi");
  }

  @Test
  void aSilentPeerIsDroppedAfterTheHandshakeTimeoutAndItsSlotIsFreeAgain() throws Exception {
    startServer(Duration.ofMillis(500));
    RawPeer peer = rawPeer();

    assertThatThrownBy(() -> newWitClient().connect(AWAIT))
        .as("the only slot is held by the silent peer")
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("maximum");

    assertThat(RawSockets.awaitEndOfStream(peer.channel(), AWAIT))
        .as("the server dropped the silent peer after its handshake timeout")
        .isTrue();
    assertThat(callEchoWithin(AWAIT)).isEqualTo("hi");
  }

  @Test
  void aPeerThatStopsAfterHelloIsDroppedToo() throws Exception {
    startServer(Duration.ofMillis(500));
    RawPeer peer = rawPeer();

    peer.sendFrame(
        Handshake.hello(
            MessageType.HELLO, new Handshake.Hello(Handshake.PROTOCOL_VERSION, 0, "json")));

    assertThat(RawSockets.awaitEndOfStream(peer.channel(), AWAIT)).isTrue();
    assertThat(callEchoWithin(AWAIT)).isEqualTo("hi");
  }

  private WitClient newWitClient() {
    return track(WitClient.builder().transport(newClient()).timeout(AWAIT).build());
  }

  /**
   * Connects a real client (retrying while the freed slot is not yet given back: the peer may see
   * the close a moment before the server releases the slot) and calls echo.
   */
  protected String callEchoWithin(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      WitClient client = newWitClient();
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
}
