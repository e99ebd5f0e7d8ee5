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
 * this side is doing: idle (no reader task), spinning in {@code readUntil}, writing into a full
 * ring, or running a listener that blocks; for a listener that may block (a server's) and one that
 * never blocks (a client's). The process's {@link DoorbellWaiter} watches the socket throughout.
 * The peer here is a bare socket that made the handshake and mapped the file; the test closes that
 * socket, which is all the kernel does for a killed process.
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
    RecordingListener.awaitNoMmfWork(DEADLINE);
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
    RecordingListener.awaitReaderIdle(connection, DEADLINE);

    peer.close();

    assertThat(listener.awaitClosed())
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("peer closed");
    assertThat(connection.isOpen()).isFalse();
  }

  @Test
  void aReaderBlockedInTheListenerDoesNotHideThePeersDeath() throws Exception {
    CountDownLatch inMethod = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    MmfClientTransport client = MmfTransport.client("dead").directory(dir).build();
    Connection c = client.connect(new RecordingListener(true), DEADLINE);
    try {
      Connection connection = nextAccepted();
      RecordingListener listener = listeners.take();
      listener.onEachFrame(
          () -> {
            inMethod.countDown();
            release.await(); // an inline service method that blocks
          });
      c.send(ByteBuffer.wrap(new byte[] {1}));
      assertThat(inMethod.await(DEADLINE.toNanos(), TimeUnit.NANOSECONDS)).isTrue();

      c.close(); // the peer goes away while this side's reader is stuck in the listener

      RecordingListener.await(() -> !connection.isOpen(), DEADLINE, "the end to be seen");
      assertThat(listener.closedCalls).hasValue(0); // reported once the listener returns
      release.countDown();
      assertThat(listener.awaitClosed()).hasMessageContaining("peer closed");
    } finally {
      release.countDown();
      c.close();
    }
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
