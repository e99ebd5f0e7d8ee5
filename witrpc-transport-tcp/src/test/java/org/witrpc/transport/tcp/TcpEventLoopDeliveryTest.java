package org.witrpc.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.witrpc.spi.Connection;
import org.witrpc.spi.FrameListener;
import org.witrpc.testkit.RecordingListener;

/**
 * A listener that {@linkplain FrameListener#neverBlocks never blocks} is called on the Netty event
 * loop (no delivery thread), frames in order and {@code onClosed} once after them, and a send it
 * tries there fails at once instead of waiting on the event loop.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpEventLoopDeliveryTest {

  private static final Duration AWAIT = Duration.ofSeconds(10);

  /** Records the thread of every call and what a send from {@code onFrame} threw. */
  private static final class NonBlockingListener implements FrameListener {
    final RecordingListener frames = new RecordingListener();
    final List<String> threads = new CopyOnWriteArrayList<>();
    final List<Throwable> sendFailures = new CopyOnWriteArrayList<>();
    volatile Connection connection;

    @Override
    public boolean neverBlocks() {
      return true;
    }

    @Override
    public void onFrame(ByteBuffer frame) {
      threads.add(Thread.currentThread().getName());
      try {
        connection.send(ByteBuffer.allocate(1));
      } catch (RuntimeException e) {
        sendFailures.add(e);
      }
      frames.onFrame(frame);
    }

    @Override
    public void onClosed(Throwable cause) {
      threads.add(Thread.currentThread().getName());
      frames.onClosed(cause);
    }
  }

  @Test
  void aListenerThatNeverBlocksIsCalledOnTheEventLoop() throws Exception {
    BlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
    try (TcpServerTransport server =
        TcpTransport.server("127.0.0.1", 0).heartbeat(Duration.ZERO, 1).build()) {
      RecordingListener atServer = new RecordingListener();
      server.start(
          connection -> {
            accepted.add(connection);
            return atServer;
          });
      NonBlockingListener listener = new NonBlockingListener();
      Connection client =
          TcpTransport.client("127.0.0.1", server.port()).build().connect(listener, AWAIT);
      listener.connection = client;
      Connection toClient = accepted.poll(AWAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(toClient).isNotNull();

      for (int i = 0; i < 3; i++) {
        toClient.send(ByteBuffer.wrap(new byte[] {(byte) i}));
      }
      for (int i = 0; i < 3; i++) {
        assertThat(listener.frames.nextFrame(AWAIT).get(0)).isEqualTo((byte) i);
      }
      client.close();

      assertThat(listener.frames.awaitClosed(AWAIT)).isEmpty();
      assertThat(listener.frames.closedCalls()).isEqualTo(1);
      assertThat(listener.frames.framesAfterClose()).isZero();
      assertThat(listener.threads).hasSize(4).allMatch(name -> name.startsWith("witrpc-tcp-io"));
      assertThat(listener.sendFailures)
          .hasSize(3)
          .allMatch(e -> e instanceof IllegalStateException);
      assertThat(atServer.queuedFrames()).as("frames the refused sends made").isZero();
    }
  }
}
