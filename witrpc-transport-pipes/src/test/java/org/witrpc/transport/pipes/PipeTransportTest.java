package org.witrpc.transport.pipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.witrpc.Transports;
import org.witrpc.WitTransportException;
import org.witrpc.internal.WarningThrottle;
import org.witrpc.spi.Connection;
import org.witrpc.spi.ServerTransport;
import org.witrpc.testkit.RecordingListener;
import org.witrpc.testkit.StderrCapture;

/** Behaviour of the pipe transport beyond the conformance suite: files, wire, bad peers. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PipeTransportTest {

  private static final Duration AWAIT = Duration.ofSeconds(10);
  private static final AtomicInteger NAMES = new AtomicInteger();

  @TempDir Path temp;

  private final List<AutoCloseable> resources = Collections.synchronizedList(new ArrayList<>());
  private final BlockingQueue<Accepted> accepted = new LinkedBlockingQueue<>();

  private record Accepted(Connection connection, RecordingListener listener) {}

  @AfterEach
  void closeEverything() throws Exception {
    List<AutoCloseable> toClose = new ArrayList<>(resources);
    Collections.reverse(toClose);
    for (AutoCloseable resource : toClose) {
      resource.close();
    }
    long deadline = System.nanoTime() + AWAIT.toNanos();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().startsWith("witrpc-")) {
        thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        assertThat(thread.isAlive()).as("thread " + thread.getName() + " left").isFalse();
      }
    }
  }

  private static String uniqueName() {
    return "pt" + Long.toString(ProcessHandle.current().pid(), 36) + "-" + NAMES.incrementAndGet();
  }

  private <T extends AutoCloseable> T track(T resource) {
    resources.add(resource);
    return resource;
  }

  private PipeServerTransport start(PipeServerTransport server, boolean echo) {
    track(server);
    server.start(
        connection -> {
          RecordingListener listener =
              echo ? new RecordingListener(connection::send) : new RecordingListener();
          accepted.add(new Accepted(connection, listener));
          return listener;
        });
    return server;
  }

  private Accepted nextAccepted() throws InterruptedException {
    Accepted next = accepted.poll(AWAIT.toNanos(), TimeUnit.NANOSECONDS);
    assertThat(next).as("an accepted connection").isNotNull();
    return next;
  }

  private Connection connect(PipeClientTransport client, RecordingListener listener) {
    Connection connection = client.connect(listener, AWAIT);
    track(connection::close);
    return connection;
  }

  /** A raw socket that has read the server's accept status. */
  private SocketChannel rawClient(Path socket) throws Exception {
    SocketChannel raw = track(SocketChannel.open(StandardProtocolFamily.UNIX));
    raw.connect(UnixDomainSocketAddress.of(socket));
    ByteBuffer status = ByteBuffer.allocate(1);
    while (status.hasRemaining()) {
      assertThat(raw.read(status)).isNotNegative();
    }
    assertThat(status.get(0)).as("accept status").isEqualTo(PipeWire.ACCEPTED);
    return raw;
  }

  private static void assertEchoWorks(Connection connection, RecordingListener listener)
      throws Exception {
    connection.send(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    assertThat(listener.nextFrame(AWAIT)).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3}));
  }

  @Test
  void connectToAMissingSocketNamesThePath() {
    Path socket = temp.resolve("nobody.sock");
    assertThatThrownBy(
            () -> PipeTransport.client(socket).build().connect(new RecordingListener(), AWAIT))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("no server is listening on " + socket);
  }

  @Test
  void refusalAtMaxClientsSaysSo() throws Exception {
    String name = uniqueName();
    start(PipeTransport.server(name).maxClients(1).build(), false);
    connect(PipeTransport.client(name).build(), new RecordingListener());

    assertThatThrownBy(
            () -> PipeTransport.client(name).build().connect(new RecordingListener(), AWAIT))
        .isInstanceOf(WitTransportException.class)
        .hasMessage(
            "server pipe://" + name + " refused the connection: it has its maximum of 1 clients");
  }

  @Test
  void manyRefusalsAtMaxClientsWriteOneWarnLine() throws Exception {
    String name = uniqueName();
    start(PipeTransport.server(name).maxClients(1).build(), false);
    connect(PipeTransport.client(name).build(), new RecordingListener());
    try (StderrCapture log = StderrCapture.start()) {
      for (int i = 0; i < 50; i++) {
        // the server logs before it writes the refusal the client waits for
        assertThatThrownBy(
                () -> PipeTransport.client(name).build().connect(new RecordingListener(), AWAIT))
            .hasMessageContaining("maximum of 1 clients");
      }
      assertThat(
              log.text()
                  .lines()
                  .filter(l -> l.contains(" WARN ") && l.contains("refusing a client")))
          .as("WARN lines for 50 refusals (then DEBUG for %s s)", WarningThrottle.WINDOW_SECONDS)
          .hasSizeBetween(1, 2);
    }
  }

  @Test
  void oversizedIncomingFrameClosesOnlyThatConnection() throws Exception {
    PipeServerTransport server =
        start(PipeTransport.server(uniqueName()).maxFrameSize(1024).build(), true);
    RecordingListener goodListener = new RecordingListener();
    Connection good = connect(PipeTransport.client(server.socketPath()).build(), goodListener);
    nextAccepted();

    SocketChannel raw = rawClient(server.socketPath());
    Accepted rawAccepted = nextAccepted();
    raw.write(ByteBuffer.allocate(4).putInt(0, 1025));

    assertThat(rawAccepted.listener().awaitClosed(AWAIT))
        .get()
        .isInstanceOf(WitTransportException.class)
        .extracting(Throwable::getMessage)
        .asString()
        .contains("frame of 1025 bytes", "maximum frame size of 1024 bytes");
    assertThat(raw.read(ByteBuffer.allocate(16))).as("end of stream at the bad peer").isEqualTo(-1);
    assertEchoWorks(good, goodListener);
    RecordingListener laterListener = new RecordingListener();
    assertEchoWorks(
        connect(PipeTransport.client(server.socketPath()).build(), laterListener), laterListener);
  }

  @Test
  void negativeLengthClosesTheConnection() throws Exception {
    PipeServerTransport server = start(PipeTransport.server(uniqueName()).build(), false);
    SocketChannel raw = rawClient(server.socketPath());
    Accepted rawAccepted = nextAccepted();

    raw.write(ByteBuffer.allocate(4).putInt(0, -1));

    assertThat(rawAccepted.listener().awaitClosed(AWAIT))
        .get()
        .isInstanceOf(WitTransportException.class)
        .extracting(Throwable::getMessage)
        .asString()
        .contains("4294967295 bytes");
  }

  @Test
  void truncatedFrameThenEndOfStreamIsReportedAsSuch() throws Exception {
    PipeServerTransport server = start(PipeTransport.server(uniqueName()).build(), false);
    SocketChannel raw = rawClient(server.socketPath());
    Accepted rawAccepted = nextAccepted();

    raw.write(new ByteBuffer[] {ByteBuffer.allocate(4).putInt(0, 100), ByteBuffer.allocate(10)});
    raw.close();

    assertThat(rawAccepted.listener().awaitClosed(AWAIT))
        .get()
        .isInstanceOf(WitTransportException.class)
        .extracting(Throwable::getMessage)
        .asString()
        .contains("in the middle of a frame", "received 10 of 100 bytes");
    assertThat(rawAccepted.listener().queuedFrames()).isZero();
  }

  @Test
  void clientRefusesAnOversizedFrameFromTheServer() throws Exception {
    String name = uniqueName();
    start(PipeTransport.server(name).build(), false);
    RecordingListener listener = new RecordingListener();
    connect(PipeTransport.client(name).maxFrameSize(1024).build(), listener);

    nextAccepted().connection().send(ByteBuffer.allocate(2000));

    assertThat(listener.awaitClosed(AWAIT))
        .get()
        .extracting(Throwable::getMessage)
        .asString()
        .contains("maximum frame size of 1024 bytes");
  }

  @Test
  void transportsResolvesAPipeUriToAWorkingTransport() throws Exception {
    String name = uniqueName();
    ServerTransport server = track(Transports.server("pipe://" + name + "?maxClients=2"));
    server.start(connection -> new RecordingListener(connection::send));
    RecordingListener listener = new RecordingListener();
    Connection connection = Transports.client("pipe://" + name).connect(listener, AWAIT);
    track(connection::close);

    assertEchoWorks(connection, listener);
    assertThat(connection.description()).startsWith("pipe://" + name);
  }

  @Test
  void threadsAreNamedAndDaemon() throws Exception {
    String name = uniqueName();
    start(PipeTransport.server(name).build(), true);
    RecordingListener listener = new RecordingListener();
    Connection connection = connect(PipeTransport.client(name).build(), listener);
    nextAccepted();
    assertEchoWorks(connection, listener); // both ends have been read by a reader thread

    assertThat(threadsNamedAfter(name))
        .extracting(Thread::getName)
        .containsExactly("witrpc-pipe-accept-" + name + ".sock");
    assertThat(threadsNamedAfter("witrpc-pipe-select")).hasSize(1);
    assertThat(threadsNamedAfter("witrpc-pipe-"))
        .allSatisfy(thread -> assertThat(thread.isDaemon()).isTrue());
  }

  private static List<Thread> threadsNamedAfter(String name) {
    List<Thread> ours = new ArrayList<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().contains(name)) {
        ours.add(thread);
      }
    }
    return ours;
  }
}
