package org.witrpc.transport.pipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.witrpc.WitTransportException;
import org.witrpc.spi.Connection;
import org.witrpc.spi.FrameListener;
import org.witrpc.testkit.Await;
import org.witrpc.testkit.RecordingListener;

@DisplayName("pipe://: one selector thread per process, a reader thread only while it reads")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PipeReadersTest {

  private static final Duration AWAIT = Duration.ofSeconds(10);
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final byte BLOCK = 0;

  private final List<AutoCloseable> resources = Collections.synchronizedList(new ArrayList<>());
  private final BlockingQueue<RecordingListener> accepted = new LinkedBlockingQueue<>();

  @AfterEach
  void closeEverything() throws Exception {
    List<AutoCloseable> toClose = new ArrayList<>(resources);
    Collections.reverse(toClose);
    for (AutoCloseable resource : toClose) {
      resource.close();
    }
    Await.until("no witrpc thread left", () -> threadsNamed("witrpc-").isEmpty());
  }

  @Test
  void idleConnectionsKeepNoThreadOfTheirOwn() throws Exception {
    String name = uniqueName();
    startEchoServer(name);
    for (int i = 0; i < 20; i++) {
      RecordingListener listener = new RecordingListener();
      assertEchoWorks(connect(name, listener), listener);
    }

    // 40 connection ends, all idle: the reader threads end, the selector waits for all of them
    Await.until(
        "the reader threads of idle connections end",
        () -> threadsNamed("witrpc-pipe-read-").isEmpty());
    assertThat(threadsNamed("witrpc-pipe-"))
        .extracting(Thread::getName)
        .containsExactlyInAnyOrder("witrpc-pipe-accept-" + name + ".sock", "witrpc-pipe-select");
  }

  @ParameterizedTest(name = "client listener never blocks: {0}")
  @ValueSource(booleans = {false, true})
  void aFrameAfterALongIdleGapIsDelivered(boolean neverBlocks) throws Exception {
    String name = uniqueName();
    startEchoServer(name);
    RecordingListener listener = new RecordingListener();
    Connection connection =
        connect(name, neverBlocks ? new NeverBlocking(listener, frame -> {}) : listener);
    assertEchoWorks(connection, listener);
    Await.until(
        "both ends idle, their reader threads ended",
        () -> threadsNamed("witrpc-pipe-read-").isEmpty());

    assertEchoWorks(connection, listener);
  }

  @Test
  void aClientListenerThatNeverBlocksIsCalledOnTheSelectorThread() throws Exception {
    String name = uniqueName();
    startEchoServer(name);
    BlockingQueue<String> threads = new LinkedBlockingQueue<>();
    RecordingListener listener = new RecordingListener();
    Connection connection =
        connect(
            name,
            new NeverBlocking(listener, frame -> threads.add(Thread.currentThread().getName())));
    assertEchoWorks(connection, listener);

    assertThat(threads.poll(AWAIT.toMillis(), TimeUnit.MILLISECONDS))
        .isEqualTo("witrpc-pipe-select");
  }

  @Test
  void aFrameReadAlongWithAWaitingCallersReplyIsDeliveredToo() throws Exception {
    String name = uniqueName();
    PipeServerTransport server = track(PipeTransport.server(name).build());
    server.start(
        connection ->
            new RecordingListener(
                frame -> {
                  connection.send(frame.duplicate()); // the reply
                  connection.send(ByteBuffer.wrap(new byte[] {9})); // an event right behind it
                }));
    BlockingQueue<ByteBuffer> frames = new LinkedBlockingQueue<>();
    Connection connection = connect(name, new NeverBlocking(new RecordingListener(), frames::add));

    for (int i = 0; i < 200; i++) {
      ByteBuffer request = ByteBuffer.allocate(4).putInt(0, i);
      connection.send(request.duplicate());
      // the caller reads until its reply is there; the event may come in the same read
      connection.readUntil(() -> !frames.isEmpty(), System.nanoTime() + AWAIT.toNanos());
      assertThat(frames.poll(AWAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(request);
      assertThat(frames.poll(AWAIT.toMillis(), TimeUnit.MILLISECONDS))
          .as("the event behind reply " + i)
          .isEqualTo(ByteBuffer.wrap(new byte[] {9}));
    }
  }

  @Test
  void aListenerBlockedInAnInlineMethodDelaysNoOtherConnection() throws Exception {
    String name = uniqueName();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    PipeServerTransport server = track(PipeTransport.server(name).build());
    server.start(
        connection -> {
          RecordingListener listener =
              new RecordingListener(
                  frame -> {
                    if (frame.remaining() == 1 && frame.get(0) == BLOCK) {
                      entered.countDown();
                      awaitQuietly(release);
                    } else {
                      connection.send(frame);
                    }
                  });
          accepted.add(listener);
          return listener;
        });
    Connection blocked = connect(name, new RecordingListener());
    RecordingListener blockedOnServer = nextAccepted();
    blocked.send(ByteBuffer.wrap(new byte[] {BLOCK}));
    assertThat(entered.await(AWAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

    RecordingListener otherListener = new RecordingListener();
    Connection other = connect(name, otherListener);
    RecordingListener otherOnServer = nextAccepted();
    assertEchoWorks(other, otherListener);
    other.close();
    assertThat(otherOnServer.awaitClosed(AWAIT)).as("the other connection's end").isPresent();

    blocked.close();
    release.countDown();
    assertThat(blockedOnServer.awaitClosed(AWAIT))
        .as("the blocked connection's end, once its method returned")
        .get()
        .isInstanceOf(WitTransportException.class);
  }

  @Test
  void closingClientsAndServerLeavesNoThreadAndNoDescriptor() throws Exception {
    Path fds = Path.of("/proc/self/fd");
    assumeThat(Files.isDirectory(fds)).as("Linux /proc").isTrue();
    long before = count(fds);
    String name = uniqueName();
    PipeServerTransport server = startEchoServer(name);
    List<Connection> clients = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      RecordingListener listener = new RecordingListener();
      Connection connection = connect(name, listener);
      assertEchoWorks(connection, listener);
      clients.add(connection);
    }
    assertThat(count(fds)).as("descriptors while connected").isGreaterThan(before + 10);

    clients.forEach(Connection::close);
    server.close();

    Await.until("no pipe thread left", () -> threadsNamed("witrpc-pipe-").isEmpty());
    Await.until("the descriptors released", () -> count(fds) <= before);
  }

  /** Records into {@code recording}, after {@code first}, and says it never blocks. */
  private record NeverBlocking(RecordingListener recording, Consumer<ByteBuffer> first)
      implements FrameListener {
    @Override
    public void onFrame(ByteBuffer frame) {
      first.accept(frame);
      recording.onFrame(frame);
    }

    @Override
    public void onClosed(Throwable cause) {
      recording.onClosed(cause);
    }

    @Override
    public boolean neverBlocks() {
      return true;
    }
  }

  private PipeServerTransport startEchoServer(String name) {
    PipeServerTransport server = track(PipeTransport.server(name).build());
    server.start(
        connection -> {
          RecordingListener listener = new RecordingListener(connection::send);
          accepted.add(listener);
          return listener;
        });
    return server;
  }

  private Connection connect(String name, FrameListener listener) {
    Connection connection = PipeTransport.client(name).build().connect(listener, AWAIT);
    track(connection::close);
    return connection;
  }

  private RecordingListener nextAccepted() throws InterruptedException {
    RecordingListener next = accepted.poll(AWAIT.toNanos(), TimeUnit.NANOSECONDS);
    assertThat(next).as("an accepted connection").isNotNull();
    return next;
  }

  private <T extends AutoCloseable> T track(T resource) {
    resources.add(resource);
    return resource;
  }

  private static void assertEchoWorks(Connection connection, RecordingListener listener)
      throws InterruptedException {
    connection.send(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    assertThat(listener.nextFrame(AWAIT)).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3}));
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static List<Thread> threadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.isAlive() && thread.getName().startsWith(prefix))
        .toList();
  }

  private static long count(Path directory) {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.count();
    } catch (IOException e) {
      throw new AssertionError("cannot list " + directory, e);
    }
  }

  private static String uniqueName() {
    return "pr" + Long.toString(ProcessHandle.current().pid(), 36) + "-" + NAMES.incrementAndGet();
  }
}
