package org.witrpc.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.witrpc.WitTransportException;
import org.witrpc.spi.Connection;
import org.witrpc.testkit.RecordingListener;

/**
 * Heartbeats with WebSocket ping and pong: a peer that completes the upgrade and then neither
 * answers pings nor sends anything is taken for dead within interval x misses, on either side; a
 * live idle connection is kept. The silent peers are raw loopback sockets.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WsHeartbeatTest {
  private static final Duration INTERVAL = Duration.ofMillis(100);
  private static final int MISSES = 3;

  /** Generous: the detection needs INTERVAL x MISSES (300 ms). */
  private static final Duration BOUND = Duration.ofSeconds(10);

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  @Test
  void theServerDropsAClientThatFallsSilentAfterItsUpgrade() throws Exception {
    BlockingQueue<RecordingListener> listeners = new LinkedBlockingQueue<>();
    WebSocketServerTransport server =
        WebSocketTransport.server("127.0.0.1", 0, "/rpc").heartbeat(INTERVAL, MISSES).build();
    resources.add(server);
    server.start(
        connection -> {
          RecordingListener listener = new RecordingListener();
          listeners.add(listener);
          return listener;
        });
    RawWebSocket silent = new RawWebSocket(server.port());
    resources.add(silent);
    assertThat(silent.upgrade("/rpc")).startsWith("HTTP/1.1 101");
    // the server pings; the silent client reads but never answers
    assertThat(silent.readFrame().opcode()).as("a ping").isEqualTo(0x9);

    RecordingListener listener = listeners.poll(BOUND.toSeconds(), TimeUnit.SECONDS);
    assertThat(listener).isNotNull();
    assertThat(listener.awaitClosed(BOUND))
        .get()
        .isInstanceOf(WitTransportException.class)
        .extracting(Throwable::getMessage)
        .asString()
        .contains("the peer went silent");
  }

  @Test
  void theClientSeesAServerThatFallsSilent() throws Exception {
    ServerSocket raw = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    resources.add(raw);
    Thread acceptor =
        new Thread(
            () -> {
              try {
                Socket accepted = raw.accept();
                resources.add(accepted);
                answerUpgrade(accepted);
                // then silence: no pongs, no pings, no end of stream
              } catch (Exception e) {
                // the test fails on the client side
              }
            },
            "silent-server");
    acceptor.start();
    RecordingListener listener = new RecordingListener();
    Connection connection =
        WebSocketTransport.client("127.0.0.1", raw.getLocalPort(), "/rpc")
            .heartbeat(INTERVAL, MISSES)
            .build()
            .connect(listener, BOUND);
    resources.add(connection::close);
    assertThat(listener.awaitClosed(BOUND))
        .get()
        .isInstanceOf(WitTransportException.class)
        .extracting(Throwable::getMessage)
        .asString()
        .contains("the peer went silent");
    assertThat(connection.isOpen()).isFalse();
    acceptor.join(BOUND.toMillis());
  }

  @Test
  void keepsALiveIdleConnectionOpen() throws Exception {
    WebSocketServerTransport server =
        WebSocketTransport.server("127.0.0.1", 0, "/rpc").heartbeat(INTERVAL, 2).build();
    resources.add(server);
    server.start(connection -> new RecordingListener(connection::send));
    RecordingListener listener = new RecordingListener();
    Connection connection =
        WebSocketTransport.client("127.0.0.1", server.port(), "/rpc")
            .heartbeat(INTERVAL, 2)
            .build()
            .connect(listener, BOUND);
    resources.add(connection::close);

    // ten intervals without a frame, five times the dead-peer bound: only pings and pongs keep it
    // (what is tested is that nothing happens for a while, so this waits for time)
    Thread.sleep(INTERVAL.multipliedBy(10).toMillis());
    assertThat(listener.isClosed()).as("closed while idle").isFalse();
    connection.send(ByteBuffer.wrap(new byte[] {42}));
    assertThat(listener.nextFrame(BOUND).get(0)).isEqualTo((byte) 42);
  }

  /** Reads an upgrade request and answers 101 as RFC 6455 says. */
  private static void answerUpgrade(Socket socket) throws Exception {
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
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("sec-websocket-key:")) {
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
