package org.witrpc.transport.mmf;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.witrpc.spi.Connection;

/**
 * No thread belongs to an {@code mmf://} connection: idle connections, however many, hold none but
 * the process's doorbell waiter (which ends with the last connection); a reader runs on a pooled
 * worker only while its connection has frames; a listener blocked on one connection holds up no
 * other.
 */
class MmfSharedThreadsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final int CLIENTS = 40;

  private Path dir;
  private MmfServerTransport server;
  private final BlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
  private final BlockingQueue<RecordingListener> serverSides = new LinkedBlockingQueue<>();
  private final List<Connection> clients = new ArrayList<>();

  @BeforeEach
  void startServer() throws Exception {
    dir = Files.createTempDirectory(Path.of("/tmp"), "wt");
    server = MmfTransport.server("shared").directory(dir).size("64KiB").maxClients(CLIENTS).build();
    server.start(
        c -> {
          RecordingListener l = new RecordingListener(); // may block, as a server's
          accepted.add(c);
          serverSides.add(l);
          return l;
        });
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (Connection c : clients) {
      c.close();
    }
    server.close();
    Files.delete(dir);
  }

  private Connection connect(RecordingListener listener) {
    Connection c = MmfTransport.client("shared").directory(dir).build().connect(listener, TIMEOUT);
    clients.add(c);
    return c;
  }

  private static long mmfThreads(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
        .count();
  }

  /** Waits until every pooled worker has ended (idle for the pool's keep-alive). */
  private static void awaitNoWorkers() {
    RecordingListener.await(
        () -> mmfThreads("witrpc-mmf-worker-") == 0,
        TIMEOUT.plusMillis(MmfThreads.KEEP_ALIVE_MS),
        "idle mmf workers to end");
  }

  @Test
  void idleConnectionsHoldNoThreadAndCloseLeavesNone() throws Exception {
    List<RecordingListener> clientSides = new ArrayList<>();
    List<Connection> serverEnds = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      RecordingListener l = new RecordingListener(i % 2 == 0);
      Connection c = connect(l);
      clientSides.add(l);
      Connection s = accepted.poll(TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
      assertThat(s).isNotNull();
      serverEnds.add(s);
      // one frame each way, so that every reader has run at least once
      c.send(ByteBuffer.wrap(new byte[] {(byte) i}));
      assertThat(serverSides.take().next().get(0)).isEqualTo((byte) i);
      s.send(ByteBuffer.wrap(new byte[] {(byte) i}));
      assertThat(l.next().get(0)).isEqualTo((byte) i);
    }
    for (int i = 0; i < CLIENTS; i++) {
      RecordingListener.awaitReaderIdle(clients.get(i), TIMEOUT);
      RecordingListener.awaitReaderIdle(serverEnds.get(i), TIMEOUT);
    }
    awaitNoWorkers();

    // 2 x CLIENTS connection ends, all idle: the waiter and the server's accept thread, no more
    assertThat(mmfThreads("witrpc-mmf")).isEqualTo(2);
    assertThat(mmfThreads("witrpc-mmf-doorbells")).isEqualTo(1);
    assertThat(mmfThreads("witrpc-mmf-accept-shared")).isEqualTo(1);

    for (Connection c : clients) {
      c.close();
    }
    for (RecordingListener l : clientSides) {
      assertThat(l.awaitClosed()).isNull();
    }
    RecordingListener.await(
        () -> server.connectionCount() == 0, TIMEOUT, "the server to see every client go");
    // the last connection gone, the waiter ends too; the server still listens
    RecordingListener.await(
        () -> mmfThreads("witrpc-mmf-doorbells") == 0, TIMEOUT, "the doorbell waiter to end");
    awaitNoWorkers();
    assertThat(mmfThreads("witrpc-mmf")).isEqualTo(1);
    assertThat(mmfThreads("witrpc-mmf-accept-shared")).isEqualTo(1);
  }

  @ParameterizedTest(name = "client listener never blocks: {0}")
  @ValueSource(booleans = {false, true})
  void aFrameAfterAnIdleGapLongerThanTheWorkersLifeIsDelivered(boolean neverBlocks)
      throws Exception {
    RecordingListener client = new RecordingListener(neverBlocks);
    Connection c = connect(client);
    Connection s = accepted.poll(TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
    RecordingListener serverSide = serverSides.take();
    c.send(ByteBuffer.wrap(new byte[] {1}));
    assertThat(serverSide.next().get(0)).isEqualTo((byte) 1);
    RecordingListener.awaitReaderIdle(c, TIMEOUT);
    RecordingListener.awaitReaderIdle(s, TIMEOUT);
    awaitNoWorkers();

    s.send(ByteBuffer.wrap(new byte[] {2}));
    c.send(ByteBuffer.wrap(new byte[] {3}));

    assertThat(client.next().get(0)).isEqualTo((byte) 2);
    assertThat(serverSide.next().get(0)).isEqualTo((byte) 3);
  }

  @Test
  void aListenerBlockedOnOneConnectionHoldsUpNoOther() throws Exception {
    Connection blockedClient = connect(new RecordingListener(true));
    accepted.take();
    RecordingListener blockedSide = serverSides.take();
    RecordingListener freeClient = new RecordingListener(true);
    Connection otherClient = connect(freeClient);
    Connection otherServer = accepted.take();
    RecordingListener otherSide = serverSides.take();
    CountDownLatch inMethod = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    blockedSide.onEachFrame(
        () -> {
          inMethod.countDown();
          release.await(); // an inline service method that blocks
        });
    try {
      blockedClient.send(ByteBuffer.wrap(new byte[] {1}));
      assertThat(inMethod.await(TIMEOUT.toNanos(), TimeUnit.NANOSECONDS)).isTrue();

      for (int i = 0; i < 100; i++) {
        otherClient.send(ByteBuffer.wrap(new byte[] {(byte) i}));
        assertThat(otherSide.next().get(0)).isEqualTo((byte) i);
        otherServer.send(ByteBuffer.wrap(new byte[] {(byte) i}));
        assertThat(freeClient.next().get(0)).isEqualTo((byte) i);
      }
      blockedClient.send(ByteBuffer.wrap(new byte[] {2})); // waits behind the blocked one
    } finally {
      release.countDown();
    }
    assertThat(blockedSide.next().get(0)).isEqualTo((byte) 1);
    assertThat(blockedSide.next().get(0)).isEqualTo((byte) 2);
  }
}
