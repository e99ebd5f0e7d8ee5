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
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.witrpc.WitTransportException;
import org.witrpc.spi.Connection;

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

  private Connection acceptedConnection() throws InterruptedException {
    Connection c = accepted.poll(10, TimeUnit.SECONDS);
    assertThat(c).as("accepted connection").isNotNull();
    return c;
  }

  @Test
  void framesOfZeroOneAnd64KiBAnd64MiBRoundTripThroughA64KiBRing() throws Exception {
    startServer("rt");
    RecordingListener client = new RecordingListener();
    Connection toServer = connect("rt", client);
    Connection toClient = acceptedConnection();
    RecordingListener server = serverListeners.take();
    for (int size : new int[] {0, 1, 64 << 10, 64 << 20}) {
      byte[] frame = RingFixture.pattern(size, size);
      toServer.send(ByteBuffer.wrap(frame));
      ByteBuffer got = server.next();
      assertThat(got.position()).isZero();
      assertThat(got.remaining()).isEqualTo(size);
      assertThat(got).isEqualTo(ByteBuffer.wrap(frame));
      toClient.send(got);
      assertThat(client.next()).isEqualTo(ByteBuffer.wrap(frame));
    }
  }

  @Test
  void tenThousandFramesArriveInOrder() throws Exception {
    startServer("order");
    RecordingListener client = new RecordingListener();
    Connection c = connect("order", client);
    RecordingListener server = serverListeners.take();
    for (int i = 0; i < 10_000; i++) {
      c.send(ByteBuffer.allocate(4 + (i % 300)).putInt(0, i));
    }
    for (int i = 0; i < 10_000; i++) {
      ByteBuffer f = server.next();
      assertThat(f.getInt(0)).isEqualTo(i);
      assertThat(f.remaining()).isEqualTo(4 + (i % 300));
    }
  }

  @Test
  void eightConcurrentSendersNeverInterleaveFrames() throws Exception {
    startServer("conc");
    Connection c = connect("conc", new RecordingListener());
    RecordingListener server = serverListeners.take();
    int perThread = 2_000;
    List<Thread> senders = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      int id = t;
      Thread th =
          new Thread(
              () -> {
                for (int i = 0; i < perThread; i++) {
                  int len = 8 + (i * 37 + id * 101) % 5000;
                  ByteBuffer header = ByteBuffer.allocate(8).putInt(0, id).putInt(4, i);
                  ByteBuffer body = ByteBuffer.allocate(len - 8);
                  for (int k = 0; k < len - 8; k++) {
                    body.put(k, (byte) (id + i + k));
                  }
                  c.send(header, body);
                }
              });
      senders.add(th);
      th.start();
    }
    int[] next = new int[8];
    for (int n = 0; n < 8 * perThread; n++) {
      ByteBuffer f = server.next();
      int id = f.getInt(0);
      int i = f.getInt(4);
      assertThat(i).as("sequence of sender %d", id).isEqualTo(next[id]++);
      assertThat(f.remaining()).isEqualTo(8 + (i * 37 + id * 101) % 5000);
      for (int k = 0; k < f.remaining() - 8; k++) {
        if (f.get(8 + k) != (byte) (id + i + k)) {
          throw new AssertionError("corrupt byte " + k + " in frame " + i + " of sender " + id);
        }
      }
    }
    for (Thread th : senders) {
      th.join(10_000);
    }
  }

  @Test
  void clientCloseIsSeenByTheServerExactlyOnce() throws Exception {
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
  void serverSideCloseIsSeenByTheClient() throws Exception {
    startServer("sc");
    RecordingListener client = new RecordingListener();
    connect("sc", client);
    Connection s = acceptedConnection();
    RecordingListener server = serverListeners.take();
    s.close();
    assertThat(server.awaitClosed()).isNull();
    assertThat(client.awaitClosed())
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("peer closed");
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
  void clientsBeyondMaxClientsAreRefusedClearly() throws Exception {
    MmfServerTransport server = startServer("max", MmfTransport.server("max").maxClients(1));
    Connection first = connect("max", new RecordingListener());
    assertThatThrownBy(() -> connect("max", new RecordingListener()))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("refused")
        .hasMessageContaining("maximum of 1 clients");
    first.close();
    RecordingListener.await(() -> server.connectionCount() == 0, TIMEOUT, "the slot to free up");
    connect("max", new RecordingListener()).close();
  }

  @Test
  void connectingToANameWithoutServerFailsAtOnceNamingTheSocket() {
    assertThatThrownBy(() -> connect("nobody", new RecordingListener()))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining(dir.resolve("nobody.mmf.sock").toString());
  }

  @Test
  void aServerRestartsOnTheSameName() throws Exception {
    startServer("again").close();
    startServer("again");
    Connection c = connect("again", new RecordingListener());
    c.send(ByteBuffer.wrap(new byte[] {9}));
    assertThat(serverListeners.poll(10, TimeUnit.SECONDS)).isNotNull();
  }

  @Test
  void aSecondLiveServerOnTheNameFailsClearly() {
    startServer("twice");
    assertThatThrownBy(() -> startServer("twice"))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("in use by a live server");
  }

  @Test
  void aStaleSocketFromADeadServerIsCleanedUp() throws Exception {
    Path socket = dir.resolve("stale.mmf.sock");
    try (var dead =
        java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      dead.bind(java.net.UnixDomainSocketAddress.of(socket));
    }
    assertThat(Files.exists(socket)).as("closing a listener leaves its socket file").isTrue();
    startServer("stale");
    connect("stale", new RecordingListener()).send(ByteBuffer.allocate(3));
    assertThat(serverListeners.take().next().remaining()).isEqualTo(3);
  }

  @Test
  void closeLeavesNoWitrpcThread() throws Exception {
    MmfServerTransport server = startServer("threads");
    Connection c = connect("threads", new RecordingListener());
    c.send(ByteBuffer.allocate(10));
    serverListeners.take().next();
    c.close();
    server.close();
    RecordingListener.await(
        () ->
            Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("witrpc-mmf") && t.isAlive()),
        TIMEOUT,
        "witrpc-mmf threads to end");
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

  @Test
  void tooLargeFramesAreRefusedBySender() throws Exception {
    startServer("big");
    Connection c =
        MmfTransport.client("big")
            .directory(dir)
            .maxFrameSize(1000)
            .build()
            .connect(new RecordingListener(), TIMEOUT);
    resources.add(c::close);
    assertThatThrownBy(() -> c.send(ByteBuffer.allocate(1001)))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("maximum frame size 1000");
    assertThat(c.isOpen()).isTrue();
  }
}
