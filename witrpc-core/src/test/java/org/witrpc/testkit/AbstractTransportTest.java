package org.witrpc.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.witrpc.WitTransportException;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.Connection;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.SendStalledException;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.TransportOptions;

/**
 * The transport conformance suite: the behaviour every transport promises through {@link
 * ServerTransport}, {@link ClientTransport}, {@link Connection} and {@link FrameListener}. A
 * transport's tests extend it and supply a server and a client for a name; every test uses a name
 * of its own, closes everything it opened and checks that no transport thread is left behind.
 *
 * <p>Thread safety: JUnit creates one instance per test; not shared between threads.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class AbstractTransportTest {

  /** How long a test waits for something that should happen at once. */
  protected static final Duration AWAIT = Duration.ofSeconds(10);

  private static final AtomicInteger NAMES = new AtomicInteger();

  private final List<AutoCloseable> resources = Collections.synchronizedList(new ArrayList<>());
  private final List<Throwable> uncaught = Collections.synchronizedList(new ArrayList<>());
  private Thread.UncaughtExceptionHandler previousHandler;

  /**
   * An unstarted server transport for {@code name}, with {@code options}. Called with a new name in
   * every test; clients from {@link #newClient} with the same name must reach it.
   */
  protected abstract ServerTransport newServer(String name, TransportOptions options);

  /** A client transport for {@code name}, with default options. */
  protected abstract ClientTransport newClient(String name);

  /** Whether {@code thread} belongs to a transport; none may be left after close. */
  protected boolean isTransportThread(Thread thread) {
    return thread.getName().startsWith("witrpc-");
  }

  /** A short name no other test uses, for example {@code ct1a2b-7}. */
  protected String uniqueName() {
    return "ct" + Long.toString(ProcessHandle.current().pid(), 36) + "-" + NAMES.incrementAndGet();
  }

  /** Registers {@code resource} to be closed after the test, in reverse order. */
  protected <T extends AutoCloseable> T track(T resource) {
    resources.add(resource);
    return resource;
  }

  @BeforeEach
  void watchUncaughtExceptions() {
    previousHandler = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((thread, e) -> uncaught.add(e));
  }

  @AfterEach
  void closeEverythingAndCheckThreads() throws Exception {
    try {
      List<AutoCloseable> toClose = new ArrayList<>(resources);
      Collections.reverse(toClose);
      for (AutoCloseable resource : toClose) {
        resource.close();
      }
      assertThat(awaitNoTransportThreads(AWAIT)).as("transport threads left after close").isEmpty();
      assertThat(uncaught).as("exceptions that killed a thread").isEmpty();
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(previousHandler);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // fixtures

  /** The server end of one accepted connection and the listener that receives its frames. */
  protected record Accepted(Connection connection, RecordingListener listener) {}

  /** A started server and the connections it accepted, in order. */
  protected final class TestServer implements AutoCloseable {
    final ServerTransport transport;
    final BlockingQueue<Accepted> accepted = new LinkedBlockingQueue<>();

    TestServer(ServerTransport transport, boolean echo) {
      this(transport, echo, true);
    }

    /**
     * @param allowLargeFrames whether each accepted connection lifts the pre-READY frame limit at
     *     once, as the protocol layer does when a connection is READY
     */
    TestServer(ServerTransport transport, boolean echo, boolean allowLargeFrames) {
      this.transport = transport;
      transport.start(
          connection -> {
            if (allowLargeFrames) {
              connection.allowLargeFrames();
            }
            RecordingListener listener =
                echo ? new RecordingListener(connection::send) : new RecordingListener();
            accepted.add(new Accepted(connection, listener));
            return listener;
          });
    }

    /** The next accepted connection; fails if none comes within {@link #AWAIT}. */
    Accepted nextAccepted() throws InterruptedException {
      Accepted next = accepted.poll(AWAIT.toNanos(), TimeUnit.NANOSECONDS);
      assertThat(next).as("an accepted connection within " + AWAIT).isNotNull();
      return next;
    }

    @Override
    public void close() {
      transport.close();
    }
  }

  /** A client connection and its listener. */
  protected record Client(Connection connection, RecordingListener listener)
      implements AutoCloseable {
    @Override
    public void close() {
      connection.close();
    }
  }

  protected TestServer startServer(String name, TransportOptions options, boolean echo) {
    return track(new TestServer(newServer(name, options), echo));
  }

  protected TestServer startEchoServer(String name) {
    return startServer(name, TransportOptions.defaults(), true);
  }

  /** A client connection whose frame limit is lifted at once, as if it were READY. */
  protected Client connect(String name) {
    Client client = connectBeforeReady(name);
    client.connection().allowLargeFrames();
    return client;
  }

  /** A client connection that still has the pre-READY frame limit. */
  protected Client connectBeforeReady(String name) {
    RecordingListener listener = new RecordingListener();
    Connection connection = newClient(name).connect(listener, AWAIT);
    return track(new Client(connection, listener));
  }

  /** A started server whose connections keep the pre-READY frame limit. */
  protected TestServer startServerBeforeReady(String name, boolean echo) {
    return track(new TestServer(newServer(name, TransportOptions.defaults()), echo, false));
  }

  /** Deterministic pseudo-random bytes. */
  protected static byte[] bytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  /** Waits up to {@code timeout} for transport threads to end; returns those still alive. */
  protected List<Thread> awaitNoTransportThreads(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<Thread> alive = new ArrayList<>();
      for (Thread thread : Thread.getAllStackTraces().keySet()) {
        if (thread.isAlive() && isTransportThread(thread)) {
          alive.add(thread);
        }
      }
      long remaining = deadline - System.nanoTime();
      if (alive.isEmpty() || remaining <= 0) {
        return alive;
      }
      alive.get(0).join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // connect and close

  @Test
  void connectsAndBothSidesSeeTheConnection() throws Exception {
    String name = uniqueName();
    TestServer server = startServer(name, TransportOptions.defaults(), false);
    Client client = connect(name);

    Accepted accepted = server.nextAccepted();
    assertThat(client.connection().isOpen()).isTrue();
    assertThat(accepted.connection().isOpen()).isTrue();
    assertThat(client.connection().description()).isNotBlank();
    assertThat(server.transport.address()).contains(name);

    client.close();
    assertThat(client.listener().awaitClosed(AWAIT)).as("cause after a local close").isEmpty();
    assertThat(client.connection().isOpen()).isFalse();
  }

  /** {@code Duration.ofSeconds(Long.MAX_VALUE)}, a common way to say "no limit", connects. */
  @Test
  void aConnectTimeoutBeyondAnyClockMeansNoLimit() throws Exception {
    String name = uniqueName();
    TestServer server = startServer(name, TransportOptions.defaults(), false);
    RecordingListener listener = new RecordingListener();

    Connection connection =
        newClient(name).connect(listener, Duration.ofSeconds(Long.MAX_VALUE, 999_999_999));

    Client client = track(new Client(connection, listener));
    assertThat(client.connection().isOpen()).isTrue();
    assertThat(server.nextAccepted().connection().isOpen()).isTrue();
  }

  @Test
  void connectWithNoServerFailsAtOnce() {
    String name = uniqueName();
    ClientTransport client = newClient(name);
    assertTimeoutPreemptively(
        AWAIT,
        () ->
            assertThatThrownBy(() -> client.connect(new RecordingListener(), Duration.ofMinutes(1)))
                .isInstanceOf(WitTransportException.class)
                .hasMessageContaining(name));
  }

  // ---------------------------------------------------------------------------------------------
  // frames

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, 64 << 10, 64 << 20})
  void echoesAFrameByteForByte(int size) throws Exception {
    String name = uniqueName();
    startEchoServer(name);
    Client client = connect(name);
    byte[] sent = bytes(size, size);

    int half = size / 2;
    client
        .connection()
        .send(ByteBuffer.wrap(sent, 0, half), ByteBuffer.wrap(sent, half, size - half));

    ByteBuffer received = client.listener().nextFrame(AWAIT);
    assertThat(received.remaining()).isEqualTo(size);
    assertThat(received.mismatch(ByteBuffer.wrap(sent))).as("first differing byte").isEqualTo(-1);
  }

  @Test
  void deliversTenThousandFramesInOrder() throws Exception {
    String name = uniqueName();
    startEchoServer(name);
    Client client = connect(name);
    int count = 10_000;
    for (int i = 0; i < count; i++) {
      ByteBuffer frame = ByteBuffer.allocate(4 + i % 100);
      frame.putInt(0, i);
      client.connection().send(frame);
    }
    for (int i = 0; i < count; i++) {
      ByteBuffer frame = client.listener().nextFrame(AWAIT);
      assertThat(frame.remaining()).isEqualTo(4 + i % 100);
      assertThat(frame.getInt(0)).as("sequence number of frame " + i).isEqualTo(i);
    }
  }

  @Test
  void keepsFramesOfConcurrentWritersWhole() throws Exception {
    String name = uniqueName();
    TestServer server = startServer(name, TransportOptions.defaults(), false);
    Client client = connect(name);
    Accepted accepted = server.nextAccepted();
    int writers = 8;
    int framesPerWriter = 500;

    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        done.add(
            pool.submit(
                () -> {
                  go.await();
                  for (int seq = 0; seq < framesPerWriter; seq++) {
                    SelfDescribingFrame.send(client.connection(), writer, seq);
                  }
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(AWAIT.toSeconds(), TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    int[] nextSeq = new int[writers];
    for (int i = 0; i < writers * framesPerWriter; i++) {
      SelfDescribingFrame frame = SelfDescribingFrame.parse(accepted.listener().nextFrame(AWAIT));
      assertThat(frame.sequence())
          .as("sequence of writer " + frame.writer())
          .isEqualTo(nextSeq[frame.writer()]);
      nextSeq[frame.writer()]++;
    }
    assertThat(accepted.listener().queuedFrames()).isZero();
  }

  @Test
  void refusesToSendAFrameAboveTheMaximumAndStaysUsable() throws Exception {
    String name = uniqueName();
    TestServer server =
        startServer(name, TransportOptions.defaults().withMaxFrameSize(1024), false);
    Client client = connect(name);
    Accepted accepted = server.nextAccepted();

    assertThatThrownBy(() -> accepted.connection().send(ByteBuffer.allocate(1025)))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("1024");
    assertThat(accepted.connection().isOpen()).isTrue();
    accepted.connection().send(ByteBuffer.wrap(bytes(1024, 1)));
    assertThat(client.listener().nextFrame(AWAIT).remaining()).isEqualTo(1024);

    // Above the default maximum (256 MiB) without allocating it: 257 views of one 1 MiB buffer.
    ByteBuffer mib = ByteBuffer.allocate(1 << 20);
    ByteBuffer[] parts = new ByteBuffer[257];
    for (int i = 0; i < parts.length; i++) {
      parts[i] = mib.duplicate();
    }
    assertThatThrownBy(() -> client.connection().send(parts))
        .isInstanceOf(WitTransportException.class);
    assertThat(client.connection().isOpen()).isTrue();
    client.connection().send(ByteBuffer.wrap(bytes(10, 2)));
    assertThat(accepted.listener().nextFrame(AWAIT).remaining()).isEqualTo(10);
  }

  // ---------------------------------------------------------------------------------------------
  // the frame limit before a connection is READY

  @Test
  void beforeReadyTheServerTakesHandshakeSizedFramesAndClosesOnALargerOne() throws Exception {
    String name = uniqueName();
    TestServer server = startServerBeforeReady(name, false);
    Client client = connect(name);
    Accepted accepted = server.nextAccepted();
    int limit = TransportOptions.HANDSHAKE_FRAME_LIMIT;

    client.connection().send(ByteBuffer.wrap(bytes(limit, 1)));
    assertThat(accepted.listener().nextFrame(AWAIT).remaining()).isEqualTo(limit);

    sendIgnoringTheClose(client.connection(), ByteBuffer.wrap(bytes(limit + 1, 2)));
    assertThat(accepted.listener().awaitClosed(AWAIT))
        .as("the server's cause after a frame above the limit before READY")
        .get()
        .isInstanceOf(WitTransportException.class)
        .satisfies(e -> assertThat(e.getMessage()).contains(String.valueOf(limit)));
    assertThat(accepted.listener().queuedFrames()).as("frames delivered after the limit").isZero();
    assertThat(client.listener().awaitClosed(AWAIT)).as("the client sees the close").isPresent();
  }

  @Test
  void beforeReadyTheClientClosesOnALargerFrameFromTheServer() throws Exception {
    String name = uniqueName();
    TestServer server = startServer(name, TransportOptions.defaults(), false);
    Client client = connectBeforeReady(name);
    Accepted accepted = server.nextAccepted();

    sendIgnoringTheClose(
        accepted.connection(),
        ByteBuffer.wrap(bytes(TransportOptions.HANDSHAKE_FRAME_LIMIT + 1, 3)));

    assertThat(client.listener().awaitClosed(AWAIT))
        .get()
        .isInstanceOf(WitTransportException.class);
    assertThat(client.listener().queuedFrames()).isZero();
  }

  @Test
  void afterAllowLargeFramesAFrameAboveTheHandshakeLimitPasses() throws Exception {
    String name = uniqueName();
    TestServer server = startServerBeforeReady(name, false);
    Client client = connectBeforeReady(name);
    Accepted accepted = server.nextAccepted();
    accepted.connection().allowLargeFrames();
    accepted.connection().allowLargeFrames(); // idempotent
    client.connection().allowLargeFrames();
    byte[] large = bytes(3 << 20, 4);

    client.connection().send(ByteBuffer.wrap(large));
    ByteBuffer received = accepted.listener().nextFrame(AWAIT);
    assertThat(received.mismatch(ByteBuffer.wrap(large))).isEqualTo(-1);
    accepted.connection().send(ByteBuffer.wrap(large));
    assertThat(client.listener().nextFrame(AWAIT).mismatch(ByteBuffer.wrap(large))).isEqualTo(-1);
  }

  /** Sends a frame the receiver will refuse: the send itself may or may not see the close. */
  private static void sendIgnoringTheClose(Connection connection, ByteBuffer frame) {
    try {
      connection.send(frame);
    } catch (WitTransportException closedMeanwhile) {
      // a transport may notice the receiver's close while sending
    }
  }

  // ---------------------------------------------------------------------------------------------
  // ends of connections

  @Test
  void serverSeesTheClientClose() throws Exception {
    String name = uniqueName();
    TestServer server = startServer(name, TransportOptions.defaults(), false);
    Client client = connect(name);
    Accepted accepted = server.nextAccepted();

    client.close();

    assertThat(accepted.listener().awaitClosed(AWAIT))
        .get()
        .isInstanceOf(WitTransportException.class);
    assertThat(accepted.connection().isOpen()).isFalse();
    assertThat(client.listener().awaitClosed(AWAIT)).isEmpty();
  }

  @Test
  void clientSeesTheServerClose() throws Exception {
    String name = uniqueName();
    TestServer server = startServer(name, TransportOptions.defaults(), false);
    Client client = connect(name);
    Accepted accepted = server.nextAccepted();

    server.close();

    assertThat(client.listener().awaitClosed(AWAIT))
        .get()
        .isInstanceOf(WitTransportException.class);
    assertThat(client.connection().isOpen()).isFalse();
    assertThat(accepted.listener().awaitClosed(AWAIT)).as("cause after a local close").isEmpty();
    assertThatThrownBy(() -> client.connection().send(ByteBuffer.allocate(1)))
        .isInstanceOf(WitTransportException.class);
  }

  @Test
  void clientSeesOneServerConnectionCloseWhileOthersWork() throws Exception {
    String name = uniqueName();
    TestServer server = startEchoServer(name);
    Client first = connect(name);
    Accepted firstAccepted = server.nextAccepted();
    Client second = connect(name);

    firstAccepted.connection().close();

    assertThat(first.listener().awaitClosed(AWAIT)).get().isInstanceOf(WitTransportException.class);
    second.connection().send(ByteBuffer.wrap(bytes(100, 3)));
    assertThat(second.listener().nextFrame(AWAIT).remaining()).isEqualTo(100);
  }

  @Test
  void callsOnClosedExactlyOnceOnEachSide() throws Exception {
    String name = uniqueName();
    TestServer server = startServer(name, TransportOptions.defaults(), false);
    Client client = connect(name);
    Accepted accepted = server.nextAccepted();

    List<Thread> closers = new ArrayList<>();
    CountDownLatch go = new CountDownLatch(1);
    for (int i = 0; i < 4; i++) {
      Thread closer =
          new Thread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                client.close();
                accepted.connection().close();
              },
              "closer-" + i);
      closer.start();
      closers.add(closer);
    }
    go.countDown();
    for (Thread closer : closers) {
      closer.join(AWAIT.toMillis());
    }
    client.listener().awaitClosed(AWAIT);
    accepted.listener().awaitClosed(AWAIT);
    server.close();
    client.close();
    assertThat(awaitNoTransportThreads(AWAIT)).isEmpty();

    assertThat(client.listener().closedCalls()).isEqualTo(1);
    assertThat(accepted.listener().closedCalls()).isEqualTo(1);
    assertThat(client.listener().framesAfterClose()).isZero();
    assertThat(accepted.listener().framesAfterClose()).isZero();
  }

  @Test
  void aConnectionClosedBeforeTheAcceptorReturnsGetsOnClosedOnce() throws Exception {
    String name = uniqueName();
    RecordingListener serverSide = new RecordingListener();
    ServerTransport transport = newServer(name, TransportOptions.defaults());
    track(
        new AutoCloseable() {
          @Override
          public void close() {
            transport.close();
          }
        });
    transport.start(
        connection -> {
          connection.close(); // between the accept and the start of delivery
          return serverSide;
        });
    Client client = connectBeforeReady(name);

    serverSide.awaitClosed(AWAIT);
    client.listener().awaitClosed(AWAIT);
    transport.close();
    client.close();
    assertThat(awaitNoTransportThreads(AWAIT)).isEmpty();
    assertThat(serverSide.closedCalls()).isEqualTo(1);
    assertThat(serverSide.framesAfterClose()).isZero();
  }

  @Test
  void closeIsIdempotentAndLeavesNoThread() throws Exception {
    String name = uniqueName();
    TestServer server = startServer(name, TransportOptions.defaults(), false);
    Client client = connect(name);
    server.nextAccepted();

    client.close();
    client.close();
    server.close();
    server.close();

    assertThat(awaitNoTransportThreads(AWAIT)).isEmpty();
    assertThat(client.listener().closedCalls()).isEqualTo(1);
  }

  // ---------------------------------------------------------------------------------------------
  // clients and names

  @Test
  void refusesTheClientAboveMaxClientsAndAdmitsOneWhenASlotFrees() throws Exception {
    String name = uniqueName();
    TestServer server = startServer(name, TransportOptions.defaults().withMaxClients(2), false);
    Client first = connect(name);
    Accepted firstAccepted = server.nextAccepted();
    connect(name);
    server.nextAccepted();

    assertThatThrownBy(() -> connect(name))
        .isInstanceOf(WitTransportException.class)
        .satisfies(e -> assertThat(e.getMessage()).containsIgnoringCase("max").contains("2"));

    first.close();
    firstAccepted.listener().awaitClosed(AWAIT);
    Client third = connect(name);
    assertThat(third.connection().isOpen()).isTrue();
    assertThat(server.nextAccepted().connection().isOpen()).isTrue();
  }

  @Test
  void servesManyClientsAtOnce() throws Exception {
    String name = uniqueName();
    startEchoServer(name);
    List<Client> clients = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      clients.add(connect(name));
    }
    for (int i = 0; i < clients.size(); i++) {
      clients.get(i).connection().send(ByteBuffer.wrap(bytes(100 + i, i)));
    }
    for (int i = 0; i < clients.size(); i++) {
      ByteBuffer echoed = clients.get(i).listener().nextFrame(AWAIT);
      assertThat(echoed.mismatch(ByteBuffer.wrap(bytes(100 + i, i)))).isEqualTo(-1);
    }
  }

  @Test
  void restartsOnTheSameNameAfterClose() throws Exception {
    String name = uniqueName();
    TestServer first = startEchoServer(name);
    Client before = connect(name);
    first.close();
    assertThat(before.listener().awaitClosed(AWAIT))
        .get()
        .isInstanceOf(WitTransportException.class);

    startEchoServer(name);
    Client after = connect(name);
    after.connection().send(ByteBuffer.wrap(bytes(8, 8)));
    assertThat(after.listener().nextFrame(AWAIT).remaining()).isEqualTo(8);
  }

  @Test
  void refusesToStartASecondServerOnALiveName() throws Exception {
    String name = uniqueName();
    startEchoServer(name);
    ServerTransport second = track(newServer(name, TransportOptions.defaults()));

    assertThatThrownBy(() -> second.start(connection -> new RecordingListener()))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining(name);

    Client client = connect(name);
    client.connection().send(ByteBuffer.wrap(bytes(8, 9)));
    assertThat(client.listener().nextFrame(AWAIT).remaining()).isEqualTo(8);
  }

  @Test
  void refusesToStartTwice() {
    String name = uniqueName();
    TestServer server = startEchoServer(name);
    assertThatThrownBy(() -> server.transport.start(connection -> new RecordingListener()))
        .isInstanceOf(WitTransportException.class);
  }

  @Test
  void anErrorInTheListenerClosesTheConnectionInsteadOfKillingItsReader() throws Exception {
    String name = uniqueName();
    TestServer server = startServer(name, TransportOptions.defaults(), false);
    RecordingListener failing =
        new RecordingListener(
            frame -> {
              throw new StackOverflowError("thrown by the test");
            });
    Client client = track(new Client(newClient(name).connect(failing, AWAIT), failing));
    Accepted accepted = server.nextAccepted();

    accepted.connection().send(ByteBuffer.wrap(bytes(16, 16)));

    assertThat(failing.awaitClosed(AWAIT))
        .get()
        .isInstanceOf(WitTransportException.class)
        .extracting(Throwable::getMessage)
        .asString()
        .contains("StackOverflowError");
    assertThat(client.connection().isOpen()).isFalse();
    assertThat(accepted.listener().awaitClosed(AWAIT)).as("the peer sees the end").isPresent();
  }

  // ---------------------------------------------------------------------------------------------
  // peers that stop reading

  /**
   * Whether a send waits while the peer does not read (a socket buffer or ring that fills up).
   * False for an in-process transport whose send only queues the frame; the tests of bounded sends
   * do not apply to it.
   */
  protected boolean sendsWaitForTheReader() {
    return true;
  }

  /**
   * The size of a frame that its sender cannot hand over whole while the peer's listener is stuck:
   * more than the transport and the operating system buffer on the way. 4 MiB for the local
   * transports; network transports override it (loopback TCP buffers grow to {@code
   * net.ipv4.tcp_rmem}'s maximum, tens of MiB).
   */
  protected int framePastTheBuffers() {
    return 4 << 20;
  }

  /**
   * A frame that a peer whose listener is stuck still takes off the wire before it stops reading
   * (network transports read a whole frame into memory, then pause), or null if it takes none.
   */
  protected ByteBuffer frameThePeerStillTakes() {
    return null;
  }

  /** A client whose reader stops in its listener at the first frame until {@code resume} opens. */
  private Client connectStoppedReader(String name, CountDownLatch resume) {
    RecordingListener listener = new RecordingListener();
    CountDownLatch first = new CountDownLatch(1);
    FrameListener stopping =
        new FrameListener() {
          @Override
          public void onFrame(ByteBuffer frame) {
            if (first.getCount() > 0) {
              first.countDown();
              try {
                resume.await(AWAIT.toNanos() * 3, TimeUnit.NANOSECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            listener.onFrame(frame);
          }

          @Override
          public void onClosed(Throwable cause) {
            listener.onClosed(cause);
          }
        };
    Connection connection = newClient(name).connect(stopping, AWAIT);
    connection.allowLargeFrames();
    return track(new Client(connection, listener));
  }

  /** A frame of {@code size} bytes that starts with its sequence number. */
  private static ByteBuffer numbered(int sequence, int size) {
    ByteBuffer frame = ByteBuffer.wrap(bytes(size, sequence));
    frame.putInt(0, sequence);
    return frame;
  }

  @Test
  void disconnectsAPeerThatTakesNoBytesForTheSendTimeoutAndServesTheOthers() throws Exception {
    Assumptions.assumeTrue(sendsWaitForTheReader(), "sends of this transport never wait");
    String name = uniqueName();
    TestServer server =
        startServer(
            name, TransportOptions.defaults().withSendTimeout(Duration.ofMillis(300)), false);
    CountDownLatch resume = new CountDownLatch(1);
    try {
      connectStoppedReader(name, resume);
      Accepted stalled = server.nextAccepted();
      Client other = connect(name);
      Accepted served = server.nextAccepted();

      long start = System.nanoTime();
      Throwable failure =
          assertTimeoutPreemptively(
              AWAIT,
              () -> {
                for (int i = 0; i < 10_000; i++) {
                  try {
                    stalled.connection().send(numbered(i, 256 << 10));
                  } catch (WitTransportException e) {
                    return e;
                  }
                }
                return null;
              });
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      assertThat(failure)
          .as("the send to a peer that stopped reading (took " + tookMillis + " ms)")
          .isInstanceOf(SendStalledException.class)
          .hasMessageContaining("no bytes for 300 ms");
      assertThat(stalled.connection().isOpen()).isFalse();
      assertThat(stalled.listener().awaitClosed(AWAIT))
          .containsInstanceOf(SendStalledException.class);
      served.connection().send(ByteBuffer.wrap(bytes(100, 1)));
      assertThat(other.listener().nextFrame(AWAIT).remaining()).isEqualTo(100);
    } finally {
      resume.countDown();
    }
  }

  @Test
  void aSenderThatGivesUpWithdrawsAnUnstartedFrameAndFinishesAStartedOne() throws Exception {
    Assumptions.assumeTrue(sendsWaitForTheReader(), "sends of this transport never wait");
    String name = uniqueName();
    TestServer server = startServer(name, TransportOptions.defaults(), false);
    CountDownLatch resume = new CountDownLatch(1);
    Client client;
    Connection toClient;
    List<Integer> sent = new ArrayList<>();
    try {
      client = connectStoppedReader(name, resume);
      toClient = server.nextAccepted().connection();
      int size = 256 << 10;
      boolean refused = false;
      for (int i = 0; i < 1_000 && !refused; i++) {
        long before = System.nanoTime();
        boolean taken =
            toClient.sendBefore(before + TimeUnit.MILLISECONDS.toNanos(50), numbered(i, size));
        assertThat(Duration.ofNanos(System.nanoTime() - before))
            .as("time in sendBefore with a 50 ms deadline")
            .isLessThan(AWAIT);
        if (taken) {
          sent.add(i);
        } else {
          refused = true;
        }
      }
      assertThat(refused).as("a send refused once the peer stopped reading").isTrue();
      assertThat(toClient.isOpen()).as("open after a send gave up").isTrue();
    } finally {
      resume.countDown();
    }
    int last = sent.get(sent.size() - 1) + 1_000;
    toClient.send(numbered(last, 64));
    for (int expected : sent) {
      ByteBuffer frame = client.listener().nextFrame(AWAIT);
      assertThat(frame.getInt(0)).as("sequence number").isEqualTo(expected);
      assertThat(frame.remaining()).isEqualTo(256 << 10);
      assertThat(frame.mismatch(numbered(expected, 256 << 10)))
          .as("first wrong byte")
          .isEqualTo(-1);
    }
    assertThat(client.listener().nextFrame(AWAIT).getInt(0))
        .as("the frame after the withdrawn one")
        .isEqualTo(last);
  }

  @Test
  void anInterruptedSenderGivesUpAndTheConnectionStaysUsable() throws Exception {
    Assumptions.assumeTrue(sendsWaitForTheReader(), "sends of this transport never wait");
    String name = uniqueName();
    TestServer server = startServer(name, TransportOptions.defaults(), false);
    CountDownLatch resume = new CountDownLatch(1);
    Client client;
    Connection toClient;
    try {
      client = connectStoppedReader(name, resume);
      toClient = server.nextAccepted().connection();
      toClient.send(numbered(100, 64)); // the client's reader stops at this one
      ByteBuffer taken = frameThePeerStillTakes();
      if (taken != null) {
        toClient.send(taken.duplicate());
      }
      // interrupted while its frame is half-way out: the rest goes in the background
      Thread.currentThread().interrupt();
      // (no assertTimeoutPreemptively here: it would run the send on another thread; the class's
      // @Timeout bounds a hang)
      toClient.send(numbered(0, framePastTheBuffers()));
      assertThat(Thread.interrupted()).as("interrupt status kept").isTrue();
      // interrupted before any byte of its frame went out: nothing is sent
      Thread.currentThread().interrupt();
      assertThatThrownBy(() -> toClient.send(numbered(1, 64)))
          .isInstanceOf(WitTransportException.class)
          .hasMessageContaining("interrupted");
      assertThat(Thread.interrupted()).as("interrupt status kept").isTrue();
      assertThat(toClient.isOpen()).isTrue();
    } finally {
      Thread.interrupted();
      resume.countDown();
    }
    toClient.send(numbered(2, 64));
    assertThat(client.listener().nextFrame(AWAIT).getInt(0)).isEqualTo(100);
    ByteBuffer taken = frameThePeerStillTakes();
    if (taken != null) {
      assertThat(client.listener().nextFrame(AWAIT)).isEqualTo(taken);
    }
    ByteBuffer first = client.listener().nextFrame(AWAIT);
    assertThat(first.mismatch(numbered(0, framePastTheBuffers())))
        .as("first wrong byte")
        .isEqualTo(-1);
    assertThat(client.listener().nextFrame(AWAIT).getInt(0)).isEqualTo(2);
  }
}
