package org.witrpc.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.witrpc.Transports;
import org.witrpc.spi.Connection;
import org.witrpc.testkit.RecordingListener;
import org.witrpc.testkit.StderrCapture;

/**
 * A peer that has not authenticated cannot flood the server's log: sockets that send another
 * protocol, another version of the hello, or a hello beyond {@code maxClients} are each refused as
 * before, but only the first of each kind is a WARN (saying that more go to DEBUG), not one per
 * socket.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpLogFloodTest {
  private static final Duration AWAIT = Duration.ofSeconds(10);
  private static final int PER_KIND = 30;

  @Test
  void refusalsOfUnauthenticatedPeersLogOneWarningPerKind() throws Exception {
    try (StderrCapture log = StderrCapture.start();
        TcpServerTransport server =
            (TcpServerTransport) Transports.server("tcp://127.0.0.1:0?maxClients=1")) {
      // READY at once, as the protocol layer makes a client that completed its handshake: so
      // the holder is never closed for a newcomer, which is refused instead
      server.start(
          connection -> {
            connection.allowLargeFrames();
            return new RecordingListener(connection::send);
          });
      Connection holder =
          Transports.client(server.address()).connect(new RecordingListener(), AWAIT);
      try {
        for (int i = 0; i < PER_KIND; i++) {
          assertThat(answer(server, ByteBuffer.allocate(5).putInt(0x47455420).put((byte) '/')))
              .as("another protocol: closed without an answer")
              .isEqualTo(-1);
          assertThat(answer(server, hello(TcpWire.MAGIC, (byte) 99)))
              .as("another version")
              .isEqualTo(TcpWire.REFUSED_VERSION);
          assertThat(answer(server, hello(TcpWire.MAGIC, TcpWire.VERSION)))
              .as("beyond maxClients")
              .isEqualTo(TcpWire.REFUSED_MAX_CLIENTS);
        }
      } finally {
        holder.close();
      }
      // each refusal is logged before its socket is answered or closed, so all are in by now
      List<String> warnings = warnings(log.text(), server.address());
      assertThat(count(warnings, "not a witrpc tcp:// client")).isBetween(1L, 2L);
      assertThat(count(warnings, "speaks version 99")).isBetween(1L, 2L);
      assertThat(count(warnings, "maximum of 1 clients")).isBetween(1L, 2L);
      assertThat(warnings).allMatch(line -> line.contains("more like this are logged at DEBUG"));
    }
  }

  /** Sends {@code bytes} on a new socket; the first byte of the answer, or -1 if none. */
  private static int answer(TcpServerTransport server, ByteBuffer bytes) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      socket.setSoTimeout((int) AWAIT.toMillis());
      socket.getOutputStream().write(bytes.array(), 0, bytes.position());
      return new DataInputStream(socket.getInputStream()).read();
    }
  }

  private static ByteBuffer hello(int magic, byte version) {
    return ByteBuffer.allocate(TcpWire.HELLO_BYTES).putInt(magic).put(version);
  }

  private static List<String> warnings(String log, String address) {
    return log.lines().filter(l -> l.contains(" WARN ") && l.contains(address)).toList();
  }

  private static long count(List<String> lines, String part) {
    return lines.stream().filter(l -> l.contains(part)).count();
  }
}
