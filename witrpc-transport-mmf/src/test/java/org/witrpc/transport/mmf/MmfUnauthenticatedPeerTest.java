package org.witrpc.transport.mmf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.witrpc.client.AbstractUnauthenticatedPeerTest;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.TransportOptions;
import org.witrpc.testkit.RawSockets;

/**
 * Raw peers that speak the mmf wire format (docs/transport-mmf.md: the rendezvous, the ring records
 * and the doorbell) and then misbehave before the handshake.
 */
@DisplayName("Unauthenticated peers over mmf://")
class MmfUnauthenticatedPeerTest extends AbstractUnauthenticatedPeerTest {
  private static final String NAME = "unauth";

  private Path dir;

  @BeforeEach
  void shortDirectory() throws IOException {
    // @TempDir paths can be long; Unix socket paths are limited to ~100 bytes.
    dir = Files.createTempDirectory(Path.of("/tmp"), "wu");
  }

  @Override
  protected void afterClose() throws Exception {
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left).as("files left in the runtime directory").isEmpty();
    }
    Files.delete(dir);
  }

  @Override
  protected ServerTransport newServer() {
    return MmfTransport.server(NAME).directory(dir).size("64KiB").maxClients(1).build();
  }

  @Override
  protected ClientTransport newClient() {
    return MmfTransport.client(NAME).directory(dir).build();
  }

  private SocketChannel connectRaw() throws IOException {
    SocketChannel channel = track(SocketChannel.open(StandardProtocolFamily.UNIX));
    channel.connect(UnixDomainSocketAddress.of(dir.resolve(NAME + ".mmf.sock")));
    return channel;
  }

  /**
   * Does the rendezvous by hand (reply, map, announce, ack): the peer now holds a client slot and
   * shares the mapping with the server.
   */
  @Override
  protected RawPeer rawPeer() throws IOException {
    SocketChannel channel = connectRaw();
    Rendezvous.Reply reply = Rendezvous.readReply(channel, System.nanoTime() + AWAIT.toNanos());
    assertThat(reply.status()).isEqualTo(Rendezvous.ACCEPTED);
    MmfFiles.Mapped mapped = MmfFiles.open(Path.of(reply.text()));
    int capacity = RingDescriptor.validate(mapped.buffer(), mapped.buffer().capacity());
    RingDescriptor.announceMaxFrameSize(
        mapped.buffer(),
        RingDescriptor.CLIENT_MAX_FRAME_OFFSET,
        TransportOptions.DEFAULT_MAX_FRAME_SIZE);
    Rendezvous.sendAck(channel);
    return new RingPeer(channel, mapped.buffer(), capacity);
  }

  /** A peer past the rendezvous that writes the client-to-server ring itself. */
  private record RingPeer(SocketChannel channel, ByteBuffer mapping, int capacity)
      implements RawPeer {
    /**
     * Publishes the FIRST fragment of a frame of {@code total} bytes and rings the doorbell, then
     * stops (the rest would only follow as the server frees ring space).
     */
    @Override
    public void announceFrame(int total) {
      ByteBuffer mib = ByteBuffer.allocate(1 << 20);
      ByteBuffer[] parts = new ByteBuffer[(total + mib.capacity() - 1) / mib.capacity()];
      for (int i = 0; i < parts.length; i++) {
        parts[i] = mib.duplicate();
      }
      parts[parts.length - 1].limit(total - (parts.length - 1) * mib.capacity());
      try {
        toServer()
            .write(
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

    @Override
    public void sendFrame(ByteBuffer frame) {
      toServer().write(new ByteBuffer[] {frame}, frame.remaining(), bytes -> {});
      ringData();
    }

    private RingBuffer toServer() {
      return new RingBuffer(
          mapping,
          RingDescriptor.ringOffset(RingDescriptor.CLIENT_TO_SERVER, capacity),
          capacity,
          Integer.MAX_VALUE,
          this::ringData,
          () -> {});
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
  void aPeerThatNeverAcknowledgesTheRendezvousGivesItsSlotBack() throws Exception {
    startServer(Duration.ofMillis(500));
    SocketChannel channel = connectRaw();
    Rendezvous.Reply reply = Rendezvous.readReply(channel, System.nanoTime() + AWAIT.toNanos());
    assertThat(reply.status()).isEqualTo(Rendezvous.ACCEPTED);

    // no ack: the server's rendezvous gives up after its own 5 s bound and frees the slot
    assertThat(RawSockets.awaitEndOfStream(channel, AWAIT)).isTrue();
    assertThat(callEchoWithin(AWAIT)).isEqualTo("hi");
  }
}
