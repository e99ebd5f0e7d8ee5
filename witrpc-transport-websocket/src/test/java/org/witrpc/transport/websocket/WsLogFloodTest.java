package org.witrpc.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

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
 * A peer that has not authenticated cannot flood the server's log: upgrades beyond {@code
 * maxClients} each get their 503 as before, but only the first is a WARN (saying that more go to
 * DEBUG); requests that are not witrpc upgrades are answered without a WARN at all.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WsLogFloodTest {
  private static final Duration AWAIT = Duration.ofSeconds(10);
  private static final int ATTEMPTS = 30;

  @Test
  void refusedUpgradesLogOneWarningPerKind() throws Exception {
    try (StderrCapture log = StderrCapture.start();
        WebSocketServerTransport server =
            (WebSocketServerTransport) Transports.server("ws://127.0.0.1:0/calc?maxClients=1")) {
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
        for (int i = 0; i < ATTEMPTS; i++) {
          try (RawWebSocket raw = new RawWebSocket(server.port())) {
            assertThat(raw.upgrade("/calc")).startsWith("HTTP/1.1 503");
          }
          try (RawWebSocket raw = new RawWebSocket(server.port())) {
            assertThat(raw.upgrade("/elsewhere")).startsWith("HTTP/1.1 404");
          }
          try (RawWebSocket raw = new RawWebSocket(server.port())) {
            raw.sendHttp("GARBAGE");
            assertThat(raw.readHead()).startsWith("HTTP/1.1 400");
          }
        }
      } finally {
        holder.close();
      }
      // each refusal is logged before it is answered, so all are in by now
      List<String> warnings =
          log.text()
              .lines()
              .filter(line -> line.contains(" WARN ") && line.contains(server.address()))
              .toList();
      assertThat(warnings.stream().filter(line -> line.contains("maximum of 1 clients")).count())
          .isBetween(1L, 2L);
      assertThat(warnings).hasSizeLessThanOrEqualTo(2);
      assertThat(warnings).allMatch(line -> line.contains("more like this are logged at DEBUG"));
    }
  }
}
