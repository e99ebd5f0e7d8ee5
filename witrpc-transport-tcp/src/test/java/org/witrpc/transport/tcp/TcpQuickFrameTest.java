package org.witrpc.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.witrpc.spi.Connection;
import org.witrpc.spi.FrameListener;
import org.witrpc.testkit.RecordingListener;

/**
 * A frame the listener {@linkplain FrameListener#onFrameIfQuick takes on the event loop} is handled
 * there and its answer goes out from there; a frame it declines goes to the connection's delivery
 * thread; a frame that waits there delays no other connection. (The order of frames behind a
 * waiting one: {@code ThreadDeliveryOfferTest}.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpQuickFrameTest {

  private static final Duration AWAIT = Duration.ofSeconds(10);

  /** Frames of kind QUICK are taken on the event loop and answered; BLOCK frames wait. */
  private static final byte QUICK = 'Q';

  private static final byte SLOW = 'S';
  private static final byte BLOCK = 'B';
  private static final byte ANSWER = 'A';

  /** One handled frame: its number, whether the event loop took it, on which thread. */
  private record Handled(int number, boolean onLoop, String thread) {}

  /** Takes QUICK frames on the event loop; answers every QUICK frame wherever it is handled. */
  private static final class QuickListener implements FrameListener {
    final List<Handled> handled = new CopyOnWriteArrayList<>();
    final List<Boolean> loopSends = new CopyOnWriteArrayList<>();
    final CountDownLatch blocking = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    volatile Connection connection;

    @Override
    public boolean onFrameIfQuick(ByteBuffer frame) {
      if (frame.get(0) != QUICK) {
        return false;
      }
      handled.add(new Handled(frame.get(1), true, Thread.currentThread().getName()));
      loopSends.add(
          connection.sendBefore(
              System.nanoTime() + AWAIT.toNanos(),
              ByteBuffer.wrap(new byte[] {ANSWER, frame.get(1)})));
      return true;
    }

    @Override
    public void onFrame(ByteBuffer frame) {
      handled.add(new Handled(frame.get(1), false, Thread.currentThread().getName()));
      if (frame.get(0) == BLOCK) {
        blocking.countDown();
        try {
          release.await(AWAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      } else if (frame.get(0) == QUICK) {
        connection.send(ByteBuffer.wrap(new byte[] {ANSWER, frame.get(1)}));
      }
    }

    @Override
    public void onClosed(Throwable cause) {}

    List<Integer> numbers() {
      return handled.stream().map(Handled::number).toList();
    }
  }

  private TcpServerTransport server;
  private final BlockingQueue<QuickListener> accepted = new LinkedBlockingQueue<>();
  private final List<Connection> clients = new ArrayList<>();

  @BeforeEach
  void startServer() {
    server = TcpTransport.server("127.0.0.1", 0).heartbeat(Duration.ZERO, 1).build();
    server.start(
        connection -> {
          QuickListener listener = new QuickListener();
          listener.connection = connection;
          accepted.add(listener);
          return listener;
        });
  }

  @AfterEach
  void stop() {
    accepted.forEach(l -> l.release.countDown());
    clients.forEach(Connection::close);
    server.close();
  }

  /** A connected client and the server's listener of it. */
  private record Client(Connection connection, RecordingListener frames, QuickListener atServer) {
    void send(byte kind, int number) {
      connection.send(ByteBuffer.wrap(new byte[] {kind, (byte) number}));
    }

    void awaitAnswer(int number) throws InterruptedException {
      ByteBuffer answer = frames.nextFrame(AWAIT);
      assertThat(answer).as("answer to frame %d", number).isNotNull();
      assertThat(answer.get(0)).isEqualTo(ANSWER);
      assertThat(answer.get(1)).isEqualTo((byte) number);
    }
  }

  private Client connect() throws Exception {
    RecordingListener frames = new RecordingListener();
    Connection c = TcpTransport.client("127.0.0.1", server.port()).build().connect(frames, AWAIT);
    clients.add(c);
    QuickListener atServer = accepted.poll(AWAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(atServer).isNotNull();
    return new Client(c, frames, atServer);
  }

  @Test
  void aFrameTheListenerTakesIsHandledOnTheEventLoopAndAnsweredFromThere() throws Exception {
    Client client = connect();

    client.send(QUICK, 1);
    client.awaitAnswer(1);
    client.send(SLOW, 2);
    client.send(QUICK, 3);
    client.awaitAnswer(3);

    assertThat(client.atServer.numbers()).containsExactly(1, 2, 3);
    Handled quick = client.atServer.handled.get(0);
    assertThat(quick.onLoop()).isTrue();
    assertThat(quick.thread()).startsWith("witrpc-tcp-io");
    Handled slow = client.atServer.handled.get(1);
    assertThat(slow.onLoop()).isFalse();
    assertThat(slow.thread()).doesNotStartWith("witrpc-tcp-io");
    assertThat(client.atServer.loopSends).as("sends from the event loop went out").contains(true);
    assertThat(client.atServer.loopSends).doesNotContain(false);
  }

  @Test
  void aFrameThatWaitsDelaysNoOtherConnection() throws Exception {
    Client blocked = connect();
    blocked.send(BLOCK, 0);
    assertThat(blocked.atServer.blocking.await(AWAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    // the event loops take channels in turn: with this many, some share the blocked one's loop
    int others = 2 * Runtime.getRuntime().availableProcessors() + 1;
    for (int i = 0; i < others; i++) {
      Client other = connect();
      other.send(QUICK, i);
      other.awaitAnswer(i);
      other.send(SLOW, i);
      other.send(QUICK, i + 1);
      other.awaitAnswer(i + 1);
    }
    assertThat(blocked.atServer.release.getCount()).as("still blocked").isEqualTo(1);
    assertThat(blocked.atServer.handled.get(0).thread()).doesNotStartWith("witrpc-tcp-io");
  }
}
