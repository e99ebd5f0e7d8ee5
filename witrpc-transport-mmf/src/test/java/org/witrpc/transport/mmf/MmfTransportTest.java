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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.witrpc.WitTransportException;
import org.witrpc.spi.Connection;

/**
 * Behaviour of the shared-memory transport beyond the conformance suite ({@link
 * MmfTransportConformanceTest}): frames published just before a close still arrive, server close
 * removes its files, stale sockets, and the {@code readUntil} fast path. Every test checks that no
 * file is left in the runtime directory.
 */
class MmfTransportTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private Path dir;

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final BlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
  private final BlockingQueue<RecordingListener> serverListeners = new LinkedBlockingQueue<>();

  @BeforeEach
  void shortDirectory() throws Exception {
    // @TempDir paths can be long; Unix socket paths are limited to ~100 bytes.
    dir = Files.createTempDirectory(Path.of("/tmp"), "wm");
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left).as("files left in the runtime directory").isEmpty();
    }
    Files.delete(dir);
  }

  private MmfServerTransport startServer(String name, MmfTransport.ServerBuilder builder) {
    MmfServerTransport server = builder.directory(dir).build();
    resources.add(server);
    server.start(
        c -> {
          RecordingListener l = new RecordingListener();
          accepted.add(c);
          serverListeners.add(l);
          return l;
        });
    return server;
  }

  private MmfServerTransport startServer(String name) {
    return startServer(name, MmfTransport.server(name).size("128KiB"));
  }

  private Connection connect(String name, RecordingListener listener) {
    Connection c = MmfTransport.client(name).directory(dir).build().connect(listener, TIMEOUT);
    resources.add(c::close);
    return c;
  }

  @Test
  void theServersHandshakeWorkerReadsTheClientsFirstFramesItself() throws Exception {
    CountDownLatch clientSent = new CountDownLatch(1);
    AtomicReference<Thread> acceptingThread = new AtomicReference<>();
    RecordingListener serverSide = new RecordingListener();
    MmfServerTransport server = MmfTransport.server("first").size("128KiB").directory(dir).build();
    resources.add(server);
    server.start(
        c -> {
          acceptingThread.set(Thread.currentThread());
          try {
            // the client's first frame is in the ring before the server starts reading
            assertThat(clientSent.await(10, TimeUnit.SECONDS)).isTrue();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return serverSide;
        });
    Connection client = connect("first", new RecordingListener(true));
    client.send(ByteBuffer.wrap(new byte[] {7}));
    clientSent.countDown();

    assertThat(serverSide.next().get(0)).isEqualTo((byte) 7);
    // the worker that ran the handshake read it: no other worker was woken for it
    assertThat(serverSide.lastDeliveryThread).isSameAs(acceptingThread.get());
  }

  private Connection acceptedConnection() throws InterruptedException {
    Connection c = accepted.poll(10, TimeUnit.SECONDS);
    assertThat(c).as("accepted connection").isNotNull();
    return c;
  }

  @Test
  void theDoorbellWaiterDeliversToAnIdleListenerThatNeverBlocksAndPassesOnSpace() throws Exception {
    startServer("door");
    RecordingListener client = new RecordingListener(true);
    Connection c = connect("door", client);
    Connection server = acceptedConnection();
    server.allowLargeFrames();
    c.allowLargeFrames();
    RecordingListener serverSide = serverListeners.take();
    RecordingListener.awaitReaderIdle(c, TIMEOUT);

    server.send(ByteBuffer.wrap(new byte[] {42}));

    assertThat(client.next().get(0)).isEqualTo((byte) 42);
    // One wake-up: the waiter that read the DATA byte delivers the frame itself.
    assertThat(client.lastDeliveryThread.getName()).isEqualTo("witrpc-mmf-doorbells");
    // Frames larger than the ring: the client's writer waits for SPACE bytes, which the waiter
    // reads and passes on.
    for (int i = 0; i < 8; i++) {
      c.send(ByteBuffer.allocate(256 << 10));
      assertThat(serverSide.next().remaining()).isEqualTo(256 << 10);
    }
  }

  @Test
  void aFrameSentJustBeforeCloseArrivesBeforeTheServerSeesTheClose() throws Exception {
    startServer("cc");
    RecordingListener client = new RecordingListener();
    Connection c = connect("cc", client);
    RecordingListener server = serverListeners.take();
    c.send(ByteBuffer.wrap(new byte[] {1}));
    c.close();
    c.close();
    assertThat(client.awaitClosed()).isNull();
    assertThat(server.next().get(0)).isEqualTo((byte) 1);
    assertThat(server.awaitClosed())
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("peer closed");
    assertThat(c.isOpen()).isFalse();
    assertThatThrownBy(() -> c.send(ByteBuffer.allocate(1)))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("closed");
    assertThat(client.closedCalls).hasValue(1);
    assertThat(server.closedCalls).hasValue(1);
  }

  @Test
  void serverCloseClosesEveryConnectionAndDeletesTheSocket() throws Exception {
    MmfServerTransport server = startServer("all");
    RecordingListener a = new RecordingListener();
    RecordingListener b = new RecordingListener();
    connect("all", a);
    connect("all", b);
    server.close();
    server.close();
    assertThat(a.awaitClosed()).isInstanceOf(WitTransportException.class);
    assertThat(b.awaitClosed()).isInstanceOf(WitTransportException.class);
    assertThat(serverListeners.take().awaitClosed()).isNull();
    assertThat(Files.exists(dir.resolve("all.mmf.sock"))).isFalse();
  }

  @Test
  void readUntilDeliversOnTheCallingThreadAndTheReaderTakesOverAfterwards() throws Exception {
    startServer("fast", MmfTransport.server("fast").spinBudget(Duration.ZERO));
    RecordingListener client = new RecordingListener();
    Connection c = connect("fast", client);
    Connection s = acceptedConnection();
    for (int round = 0; round < 200; round++) {
      s.send(ByteBuffer.allocate(4).putInt(0, round));
      boolean got =
          c.readUntil(
              () -> !client.frames.isEmpty(), System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
      ByteBuffer f = client.next();
      assertThat(f.getInt(0)).isEqualTo(round);
      assertThat(got || client.lastDeliveryThread != Thread.currentThread()).isTrue();
    }
    s.send(ByteBuffer.allocate(4).putInt(0, -1));
    assertThat(client.next().getInt(0)).isEqualTo(-1);
    assertThat(client.lastDeliveryThread.getName()).startsWith("witrpc-mmf-");
  }
}
