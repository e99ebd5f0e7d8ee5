package org.witrpc.transport.mmf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.witrpc.WitTransportException;
import org.witrpc.spi.Connection;

/**
 * The two sides of a connection may have different maximum frame sizes. Each announces its own in
 * the mapping's header, and a sender refuses, up front and without harm to the connection, a frame
 * larger than the peer's; a peer that sends one anyway is closed with a message that names the
 * sizes rather than "corrupt".
 */
class MmfMaxFrameSizeTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final int SMALL = 1024;

  private Path dir;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final BlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
  private final BlockingQueue<RecordingListener> serverSides = new LinkedBlockingQueue<>();

  @BeforeEach
  void shortDirectory() throws Exception {
    dir = Files.createTempDirectory(Path.of("/tmp"), "wf");
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
    try (var left = Files.list(dir)) {
      assertThat(left).as("files left in the runtime directory").isEmpty();
    }
    Files.delete(dir);
  }

  private void startServer(int maxFrameSize) {
    MmfServerTransport server =
        MmfTransport.server("limits")
            .directory(dir)
            .size("64KiB")
            .maxFrameSize(maxFrameSize)
            .build();
    resources.add(server);
    server.start(
        c -> {
          accepted.add(c);
          RecordingListener l = new RecordingListener();
          serverSides.add(l);
          return l;
        });
  }

  private Connection connect(int maxFrameSize, RecordingListener listener) {
    Connection c =
        MmfTransport.client("limits")
            .directory(dir)
            .maxFrameSize(maxFrameSize)
            .build()
            .connect(listener, TIMEOUT);
    resources.add(c::close);
    return c;
  }

  @Test
  void aClientRefusesAFrameLargerThanTheServersMaximumAndStaysConnected() throws Exception {
    startServer(SMALL);
    Connection client = connect(1 << 20, new RecordingListener());
    RecordingListener server = serverSides.take();

    assertThatThrownBy(() -> client.send(ByteBuffer.allocate(SMALL + 1)))
        .isInstanceOf(WitTransportException.class)
        .hasMessage(
            "frame of " + (SMALL + 1) + " bytes exceeds the server's maximum frame size " + SMALL);
    // Larger than the ring too: would have been fragmented.
    assertThatThrownBy(() -> client.send(ByteBuffer.allocate(100_000)))
        .hasMessageContaining("exceeds the server's maximum frame size " + SMALL);

    assertThat(client.isOpen()).isTrue();
    client.send(ByteBuffer.allocate(SMALL));
    assertThat(server.next().remaining()).isEqualTo(SMALL);
    assertThat(server.closed).isNotDone();
  }

  @Test
  void aServerRefusesAFrameLargerThanTheClientsMaximumAndStaysConnected() throws Exception {
    startServer(1 << 20);
    RecordingListener client = new RecordingListener();
    connect(SMALL, client);
    Connection server = accepted.poll(10, TimeUnit.SECONDS);
    assertThat(server).isNotNull();

    assertThatThrownBy(() -> server.send(ByteBuffer.allocate(SMALL + 8)))
        .isInstanceOf(WitTransportException.class)
        .hasMessage(
            "frame of " + (SMALL + 8) + " bytes exceeds the client's maximum frame size " + SMALL);

    assertThat(server.isOpen()).isTrue();
    server.send(ByteBuffer.allocate(SMALL));
    assertThat(client.next().remaining()).isEqualTo(SMALL);
    assertThat(client.closed).isNotDone();
  }

  @Test
  void aSenderStillNamesItsOwnLimitWhenThatIsTheSmallerOne() throws Exception {
    startServer(1 << 20);
    Connection client = connect(SMALL, new RecordingListener());
    assertThatThrownBy(() -> client.send(ByteBuffer.allocate(SMALL + 1)))
        .hasMessage("frame of " + (SMALL + 1) + " bytes exceeds the maximum frame size " + SMALL);
    assertThat(client.isOpen()).isTrue();
  }

  @Test
  void aReceiverNamesTheSizesOfAnOversizedFrameInsteadOfCallingTheRingCorrupt() {
    // A peer that announced nothing (older) and ignores the limit: whole and fragmented frames.
    for (int length : new int[] {SMALL + 1, 5000}) {
      RingFixture big = new RingFixture(2048, 1 << 20);
      RingBuffer smallReader =
          new RingBuffer(
              big.mapping, RingDescriptor.ringOffset(0, 2048), 2048, SMALL, () -> {}, () -> {});
      try {
        big.writer.write(
            new ByteBuffer[] {ByteBuffer.allocate(length)},
            length,
            bytes -> {
              throw new IllegalStateException("full"); // the first fragment is published
            });
      } catch (IllegalStateException full) {
        assertThat(length).isGreaterThan(2048);
      }
      assertThatThrownBy(() -> smallReader.read(b -> {}, 10))
          .isInstanceOf(WitTransportException.class)
          .hasMessage("frame of " + length + " bytes exceeds the maximum frame size " + SMALL);
    }
  }

  @Test
  void anImpossibleAnnouncedMaximumIsACorruptHeader() {
    RingFixture f = new RingFixture(1024, SMALL);
    RingDescriptor.announceMaxFrameSize(f.mapping, RingDescriptor.SERVER_MAX_FRAME_OFFSET, -5);
    assertThatThrownBy(
            () ->
                RingDescriptor.announcedMaxFrameSize(
                    f.mapping, RingDescriptor.SERVER_MAX_FRAME_OFFSET))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("corrupt shared-memory header: announced maximum frame size -5");
    assertThat(
            RingDescriptor.announcedMaxFrameSize(f.mapping, RingDescriptor.CLIENT_MAX_FRAME_OFFSET))
        .as("not announced")
        .isZero();
  }
}
