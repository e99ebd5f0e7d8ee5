package org.witrpc.transport.mmf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.witrpc.WitTransportException;
import org.witrpc.spi.Connection;

/**
 * A peer that dies without closing anything (as with {@code kill -9}) is seen at once, whatever
 * this side is doing: parked, spinning in {@code readUntil}, or writing into a full ring; with a
 * bell thread reading the socket (a listener that may block, as a server's) and without (a listener
 * that never blocks, as a client's: the reader thread waits on the socket itself). The peer here is
 * a bare socket that made the handshake and mapped the file; the test closes that socket, which is
 * all the kernel does for a killed process.
 *
 * <p>Only "well before a generous deadline" is asserted, never a duration.
 */
class MmfDeadPeerTest {
  private static final Duration DEADLINE = Duration.ofSeconds(5);

  private Path dir;
  private MmfServerTransport server;
  private final BlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
  private final BlockingQueue<RecordingListener> listeners = new LinkedBlockingQueue<>();
  private volatile boolean neverBlocks;

  @BeforeEach
  void startServer() throws Exception {
    dir = Files.createTempDirectory(Path.of("/tmp"), "wd");
    server = MmfTransport.server("dead").directory(dir).size("64KiB").build();
    server.start(
        c -> {
          RecordingListener l = new RecordingListener(neverBlocks);
          accepted.add(c);
          listeners.add(l);
          return l;
        });
  }

  @AfterEach
  void cleanUp() throws Exception {
    server.close();
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left).as("files left in the runtime directory").isEmpty();
    }
    Files.delete(dir);
    RecordingListener.await(
        () ->
            Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().startsWith("witrpc-mmf")),
        DEADLINE,
        "witrpc-mmf threads to end");
  }

  /** A peer that completes the handshake by hand and can then vanish. */
  private SocketChannel rawPeer() throws Exception {
    SocketChannel raw = SocketChannel.open(StandardProtocolFamily.UNIX);
    raw.connect(UnixDomainSocketAddress.of(dir.resolve("dead.mmf.sock")));
    Rendezvous.Reply reply = Rendezvous.readReply(raw, System.nanoTime() + DEADLINE.toNanos());
    assertThat(reply.status()).isEqualTo(Rendezvous.ACCEPTED);
    MmfFiles.open(Path.of(reply.text()));
    Rendezvous.sendAck(raw);
    return raw;
  }

  private Connection nextAccepted() throws InterruptedException {
    Connection c = accepted.poll(DEADLINE.toNanos(), TimeUnit.NANOSECONDS);
    assertThat(c).as("accepted connection").isNotNull();
    return c;
  }

  @ParameterizedTest(name = "listener never blocks: {0}")
  @ValueSource(booleans = {false, true})
  void aParkedReaderSeesThePeerDie(boolean neverBlocks) throws Exception {
    this.neverBlocks = neverBlocks;
    SocketChannel peer = rawPeer();
    Connection connection = nextAccepted();
    RecordingListener listener = listeners.take();
    RecordingListener.awaitIdle("witrpc-mmf-dead#", DEADLINE);

    peer.close();

    assertThat(listener.awaitClosed())
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("peer closed");
    assertThat(connection.isOpen()).isFalse();
  }

  @Test
  void aReaderWaitingOnTheDoorbellIsTheOnlyThreadThatWatchesTheSocket() throws Exception {
    this.neverBlocks = true;
    SocketChannel peer = rawPeer();
    nextAccepted();
    RecordingListener listener = listeners.take();
    RecordingListener.await(
        () ->
            Thread.getAllStackTraces().keySet().stream()
                .anyMatch(
                    t ->
                        t.getName().startsWith("witrpc-mmf-dead#")
                            && RecordingListener.waitsOnDoorbell(t)),
        DEADLINE,
        "the reader to wait on the doorbell");
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.isAlive() && t.getName().startsWith("witrpc-mmf-bell-dead#"));

    peer.close();

    assertThat(listener.awaitClosed()).hasMessageContaining("peer closed");
  }

  @ParameterizedTest(name = "listener never blocks: {0}")
  @ValueSource(booleans = {false, true})
  void aReadUntilCallerStopsSpinningWhenThePeerDies(boolean neverBlocks) throws Exception {
    this.neverBlocks = neverBlocks;
    SocketChannel peer = rawPeer();
    Connection connection = nextAccepted();
    RecordingListener listener = listeners.take();
    CountDownLatch spinning = new CountDownLatch(1);
    long farAway = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    CompletableFuture<Boolean> reading =
        CompletableFuture.supplyAsync(
            () ->
                connection.readUntil(
                    () -> {
                      spinning.countDown();
                      return false;
                    },
                    farAway));
    assertThat(spinning.await(DEADLINE.toNanos(), TimeUnit.NANOSECONDS)).isTrue();

    peer.close();

    assertThat(reading.get(DEADLINE.toNanos(), TimeUnit.NANOSECONDS)).isFalse();
    assertThat(listener.awaitClosed()).isInstanceOf(WitTransportException.class);
  }

  @ParameterizedTest(name = "listener never blocks: {0}")
  @ValueSource(booleans = {false, true})
  void aWriterBlockedOnAFullRingAndTheSendsQueuedBehindItFailWhenThePeerDies(boolean neverBlocks)
      throws Exception {
    this.neverBlocks = neverBlocks;
    SocketChannel peer = rawPeer();
    Connection connection = nextAccepted();
    RecordingListener listener = listeners.take();
    // The bare peer never reads: 1 MiB cannot pass through a 32 KiB ring.
    CompletableFuture<Void> blocked =
        CompletableFuture.runAsync(() -> connection.send(ByteBuffer.allocate(1 << 20)));
    RecordingListener.await(
        () -> Thread.getAllStackTraces().keySet().stream().anyMatch(MmfDeadPeerTest::parkedInSend),
        DEADLINE,
        "a writer to park on the full ring");
    CompletableFuture<Void> queued =
        CompletableFuture.runAsync(() -> connection.send(ByteBuffer.allocate(10)));

    peer.close();

    for (CompletableFuture<Void> send : List.of(blocked, queued)) {
      assertThatThrownBy(() -> send.get(DEADLINE.toNanos(), TimeUnit.NANOSECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(WitTransportException.class);
    }
    assertThat(listener.awaitClosed()).isInstanceOf(WitTransportException.class);
  }

  private static boolean parkedInSend(Thread t) {
    if (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
      return false; // parked until a doorbell, within the send timeout
    }
    for (StackTraceElement frame : t.getStackTrace()) {
      if (frame.getMethodName().equals("awaitFree")) {
        return true;
      }
    }
    return false;
  }
}
