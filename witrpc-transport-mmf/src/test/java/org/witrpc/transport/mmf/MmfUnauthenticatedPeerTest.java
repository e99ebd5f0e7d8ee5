package org.witrpc.transport.mmf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
 * Raw peers that speak the mmf wire format (docs/transport-mmf.md: the rendezvous, the ring records
 * and the doorbell) and then misbehave before the handshake: they must cost the server little and
 * lock out no one.
 */
@DisplayName("Unauthenticated peers over mmf://")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MmfUnauthenticatedPeerTest {
  private static final Duration AWAIT = Duration.ofSeconds(10);
  private static final String NAME = "unauth";

  private final List<AutoCloseable> resources = new ArrayList<>();
  private Path dir;

  @BeforeEach
  void shortDirectory() throws IOException {
    // @TempDir paths can be long; Unix socket paths are limited to ~100 bytes.
    dir = Files.createTempDirectory(Path.of("/tmp"), "wu");
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left).as("files left in the runtime directory").isEmpty();
    }
    Files.delete(dir);
  }

  private void startServer(Duration handshakeTimeout) {
    WitServer server =
        WitServer.builder()
            .service(TestService.class, new TestServiceImpl())
            .transport(MmfTransport.server(NAME).directory(dir).size("64KiB").maxClients(1).build())
            .handshakeTimeout(handshakeTimeout)
            .build()
            .start();
    resources.add(server);
  }

  /**
   * Does the rendezvous by hand (reply, map, announce, ack): the peer now holds a client slot and
   * shares the mapping with the server.
   */
  private RawPeer rawPeer() throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    resources.add(channel);
    channel.connect(UnixDomainSocketAddress.of(dir.resolve(NAME + ".mmf.sock")));
    Rendezvous.Reply reply = Rendezvous.readReply(channel, System.nanoTime() + AWAIT.toNanos());
    assertThat(reply.status()).isEqualTo(Rendezvous.ACCEPTED);
    MmfFiles.Mapped mapped = MmfFiles.open(Path.of(reply.text()));
    int capacity = RingDescriptor.validate(mapped.buffer(), mapped.buffer().capacity());
    RingDescriptor.announceMaxFrameSize(
        mapped.buffer(),
        RingDescriptor.CLIENT_MAX_FRAME_OFFSET,
        TransportOptions.DEFAULT_MAX_FRAME_SIZE);
    Rendezvous.sendAck(channel);
    return new RawPeer(channel, mapped.buffer(), capacity);
  }

  /** A peer past the rendezvous that writes the client-to-server ring itself. */
  private record RawPeer(SocketChannel channel, ByteBuffer mapping, int capacity) {
    /**
     * Publishes the FIRST fragment of a frame of {@code total} bytes and rings the doorbell, then
     * stops (the rest would only follow as the server frees ring space).
     */
    void announceFrame(int total) {
      RingBuffer toServer =
          new RingBuffer(
              mapping,
              RingDescriptor.ringOffset(RingDescriptor.CLIENT_TO_SERVER, capacity),
              capacity,
              Integer.MAX_VALUE,
              this::ringData,
              () -> {});
      ByteBuffer mib = ByteBuffer.allocate(1 << 20);
      ByteBuffer[] parts = new ByteBuffer[(total + mib.capacity() - 1) / mib.capacity()];
      for (int i = 0; i < parts.length; i++) {
        parts[i] = mib.duplicate();
      }
      parts[parts.length - 1].limit(total - (parts.length - 1) * mib.capacity());
      try {
        toServer.write(
            parts,
            total,
            bytes -> {
              throw new FirstFragmentWritten();
            });
      } catch (FirstFragmentWritten expected) {
        // the ring is full: the first fragment is published
      }
      ringData(); // in case the server's reader had not announced itself waiting yet
    }

    private void ringData() {
      try {
        channel.write(ByteBuffer.wrap(new byte[] {Doorbell.DATA}));
      } catch (IOException closed) {
        // the server may already have closed the connection
      }
    }
  }

  private static final class FirstFragmentWritten extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  @Test
  void aPeerAnnouncingAHugeFrameBeforeTheHandshakeIsDisconnectedAtOnce() throws Exception {
    startServer(Duration.ofMinutes(1)); // far away: only the frame limit can close it in time
    RawPeer peer = rawPeer();

    peer.announceFrame(TransportOptions.DEFAULT_MAX_FRAME_SIZE);

    assertThat(awaitEndOfStream(peer.channel(), AWAIT))
        .as("the server closed the connection after a FIRST record of 256 MiB before READY")
        .isTrue();
    assertThat(callEchoWithin(AWAIT))
        .as("a real client's call after the slot freed")
        .isEqualTo("hi");
  }

  @Test
  void aSilentPeerIsDroppedAfterTheHandshakeTimeoutAndItsSlotIsFreeAgain() throws Exception {
    startServer(Duration.ofMillis(500));
    RawPeer peer = rawPeer();

    assertThatThrownBy(() -> newClient().connect(AWAIT))
        .as("the only slot is held by the silent peer")
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("maximum");

    assertThat(awaitEndOfStream(peer.channel(), AWAIT))
        .as("the server dropped the silent peer after its handshake timeout")
        .isTrue();
    assertThat(callEchoWithin(AWAIT)).isEqualTo("hi");
  }

  @Test
  void aPeerThatNeverAcknowledgesTheRendezvousGivesItsSlotBack() throws Exception {
    startServer(Duration.ofMillis(500));
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    resources.add(channel);
    channel.connect(UnixDomainSocketAddress.of(dir.resolve(NAME + ".mmf.sock")));
    Rendezvous.Reply reply = Rendezvous.readReply(channel, System.nanoTime() + AWAIT.toNanos());
    assertThat(reply.status()).isEqualTo(Rendezvous.ACCEPTED);

    // no ack: the server's rendezvous gives up after its own 5 s bound and frees the slot
    assertThat(awaitEndOfStream(channel, AWAIT)).isTrue();
    assertThat(callEchoWithin(AWAIT)).isEqualTo("hi");
  }

  private WitClient newClient() {
    WitClient client =
        WitClient.builder()
            .transport(MmfTransport.client(NAME).directory(dir).build())
            .timeout(AWAIT)
            .build();
    resources.add(client);
    return client;
  }

  /** Connects a real client (retrying while the slot is not yet given back) and calls echo. */
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

  /** True if the server closes the socket within {@code timeout} (doorbell bytes are skipped). */
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
          return true;
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
