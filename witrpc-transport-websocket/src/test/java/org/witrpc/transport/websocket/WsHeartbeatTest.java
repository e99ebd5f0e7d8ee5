package org.witrpc.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.ServerTransport;
import org.witrpc.transport.tcp.testkit.AbstractHeartbeatTest;

/**
 * Heartbeats of {@code ws://}, with WebSocket ping and pong: the silent peers do or answer the
 * upgrade, then nothing.
 */
class WsHeartbeatTest extends AbstractHeartbeatTest {

  @Override
  protected ServerTransport newServer(Duration interval, int misses) {
    return WebSocketTransport.server("127.0.0.1", 0, "/rpc").heartbeat(interval, misses).build();
  }

  @Override
  protected ClientTransport newClient(int port, Duration interval, int misses) {
    return WebSocketTransport.client("127.0.0.1", port, "/rpc").heartbeat(interval, misses).build();
  }

  @Override
  protected AutoCloseable openSilentClient(int port) throws Exception {
    RawWebSocket silent = new RawWebSocket(port);
    assertThat(silent.upgrade("/rpc")).startsWith("HTTP/1.1 101");
    // the server pings; the silent client reads but never answers
    assertThat(silent.readFrame().opcode()).as("a ping").isEqualTo(0x9);
    return silent;
  }

  /** Reads an upgrade request and answers 101 as RFC 6455 says. */
  @Override
  protected void acceptAsSilentServer(Socket socket) throws Exception {
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        return;
      }
      head.append((char) b);
    }
    String key = null;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("sec-websocket-key:")) {
        key = line.substring(line.indexOf(':') + 1).trim();
      }
    }
    String accept =
        Base64.getEncoder()
            .encodeToString(
                MessageDigest.getInstance("SHA-1")
                    .digest(
                        (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                            .getBytes(StandardCharsets.US_ASCII)));
    OutputStream out = socket.getOutputStream();
    out.write(
        ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: "
                + accept
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }
}
