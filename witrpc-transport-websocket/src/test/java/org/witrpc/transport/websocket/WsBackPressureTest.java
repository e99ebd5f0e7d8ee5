package org.witrpc.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.witrpc.WitTransportException;
import org.witrpc.spi.Connection;
import org.witrpc.spi.SendStalledException;
import org.witrpc.testkit.RecordingListener;

/**
 * A {@code ws://} peer that upgrades and then never reads makes the server's senders wait, not
 * queue, as over {@code tcp://} (TcpBackPressureTest): what the transport takes before the stall is
 * bounded by the socket buffers and the write-buffer water mark, far below the 1 GiB the loop would
 * send; a send with a deadline gives up at its deadline with the connection still open; and a
 * sender without one fails with {@link SendStalledException} after the send timeout.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WsBackPressureTest {
  private static final int FRAME_BYTES = 256 << 10;
  private static final long BOUND = 64L << 20;

  private final BlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();

  private WebSocketServerTransport server(Duration sendTimeout) {
    WebSocketServerTransport server =
        WebSocketTransport.server("127.0.0.1", 0, "/rpc")
            .sendTimeout(sendTimeout)
            .heartbeat(Duration.ZERO, 1)
            .build();
    server.start(
        connection -> {
          connection.allowLargeFrames();
          accepted.add(connection);
          return new RecordingListener();
        });
    return server;
  }

  private Connection upgradedFrom(RawWebSocket reader) throws Exception {
    assertThat(reader.upgrade("/rpc")).startsWith("HTTP/1.1 101");
    Connection connection = accepted.poll(10, TimeUnit.SECONDS);
    assertThat(connection).isNotNull();
    return connection;
  }

  @Test
  void aPeerThatNeverReadsMakesSendersWaitThenFailWithBoundedMemory() throws Exception {
    try (WebSocketServerTransport server = server(Duration.ofMillis(500));
        RawWebSocket reader = new RawWebSocket(server.port())) {
      Connection toReader = upgradedFrom(reader);
      ByteBuffer frame = ByteBuffer.allocate(FRAME_BYTES);
      long taken = 0;
      WitTransportException failure = null;
      for (int i = 0; i < 4096 && failure == null; i++) { // at most 1 GiB
        try {
          toReader.send(frame.clear());
          taken += FRAME_BYTES;
        } catch (WitTransportException e) {
          failure = e;
        }
      }

      assertThat(failure)
          .as("the send to a peer that reads nothing")
          .isInstanceOf(SendStalledException.class)
          .hasMessageContaining("no bytes for 500 ms");
      assertThat(taken).as("bytes taken before the stall").isLessThan(BOUND);
      assertThat(toReader.isOpen()).isFalse();
    }
  }

  @Test
  void aSendWithADeadlineGivesUpAtItsDeadlineAndTheConnectionStaysOpen() throws Exception {
    try (WebSocketServerTransport server = server(Duration.ofSeconds(30));
        RawWebSocket reader = new RawWebSocket(server.port())) {
      Connection toReader = upgradedFrom(reader);
      ByteBuffer frame = ByteBuffer.allocate(FRAME_BYTES);
      long taken = 0;
      boolean gaveUp = false;
      for (int i = 0; i < 4096 && !gaveUp; i++) { // at most 1 GiB
        // a deadline well before the 30 s send timeout: the wait ends at the deadline
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        if (toReader.sendBefore(deadline, frame.clear())) {
          taken += FRAME_BYTES;
        } else {
          gaveUp = true;
        }
      }

      assertThat(gaveUp).as("a sendBefore gave up at its deadline").isTrue();
      assertThat(taken).as("bytes taken before the stall").isLessThan(BOUND);
      assertThat(toReader.isOpen()).as("a missed deadline does not close the connection").isTrue();
    }
  }
}
