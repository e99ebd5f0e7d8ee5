package org.witrpc.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.Socket;
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
 * A peer that stops reading makes senders wait, not queue: what the transport takes before the
 * stall is bounded by the socket buffers and the write-buffer water mark, far below the 1 GiB the
 * loop would send, and the sender fails with {@link SendStalledException} after the send timeout.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpBackPressureTest {

  @Test
  void aPeerThatStopsReadingMakesSendersWaitThenFailWithBoundedMemory() throws Exception {
    BlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
    try (TcpServerTransport server =
        TcpTransport.server("127.0.0.1", 0)
            .sendTimeout(Duration.ofMillis(500))
            .heartbeat(Duration.ZERO, 1)
            .build()) {
      server.start(
          connection -> {
            connection.allowLargeFrames();
            accepted.add(connection);
            return new RecordingListener();
          });
      try (Socket reader = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
        DataOutputStream out = new DataOutputStream(reader.getOutputStream());
        out.writeInt(TcpWire.MAGIC);
        out.writeByte(TcpWire.VERSION);
        out.flush();
        Connection toReader = accepted.poll(10, TimeUnit.SECONDS);
        assertThat(toReader).isNotNull();

        int frameBytes = 256 << 10;
        ByteBuffer frame = ByteBuffer.allocate(frameBytes);
        long taken = 0;
        WitTransportException failure = null;
        for (int i = 0; i < 4096 && failure == null; i++) { // at most 1 GiB
          try {
            toReader.send(frame.clear());
            taken += frameBytes;
          } catch (WitTransportException e) {
            failure = e;
          }
        }

        assertThat(failure)
            .as("the send to a peer that reads nothing")
            .isInstanceOf(SendStalledException.class)
            .hasMessageContaining("no bytes for 500 ms");
        assertThat(taken).as("bytes taken before the stall").isLessThan(64L << 20);
        assertThat(toReader.isOpen()).isFalse();
      }
    }
  }
}
