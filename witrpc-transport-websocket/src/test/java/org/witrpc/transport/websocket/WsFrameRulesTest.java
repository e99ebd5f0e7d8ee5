package org.witrpc.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.witrpc.WitTransportException;
import org.witrpc.testkit.RecordingListener;
import org.witrpc.transport.tcp.testkit.TlsFixture;

/**
 * What the server refuses on an upgraded connection, from a hand-made client: a text frame (close
 * 1003), a message above the handshake limit before {@code allowLargeFrames()} and above
 * maxFrameSize after (close 1009, refused at the frame header: nothing but the header is sent, and
 * a 1 TiB announcement costs nothing), an unmasked frame (1002). The server's listener learns why.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WsFrameRulesTest {
  private static final Duration AWAIT = Duration.ofSeconds(10);

  private WebSocketServerTransport server;
  private final BlockingQueue<RecordingListener> listeners = new LinkedBlockingQueue<>();

  private void start(boolean allowLargeFrames) {
    start(allowLargeFrames, null);
  }

  private void start(boolean allowLargeFrames, TlsFixture tls) {
    WebSocketServerTransport.Builder builder =
        WebSocketTransport.server("127.0.0.1", 0, "/rpc").maxFrameSize(64 << 10);
    if (tls != null) {
      builder.tls(tls.serverTls(false));
    }
    server = builder.build();
    server.start(
        connection -> {
          if (allowLargeFrames) {
            connection.allowLargeFrames();
          }
          RecordingListener listener = new RecordingListener();
          listeners.add(listener);
          return listener;
        });
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private RawWebSocket upgraded() throws Exception {
    RawWebSocket raw = new RawWebSocket(server.port());
    assertThat(raw.upgrade("/rpc")).startsWith("HTTP/1.1 101");
    return raw;
  }

  private String closeCause() throws InterruptedException {
    RecordingListener listener = listeners.poll(AWAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(listener).isNotNull();
    Throwable cause = listener.awaitClosed(AWAIT).orElseThrow();
    assertThat(cause).isInstanceOf(WitTransportException.class);
    return cause.getMessage();
  }

  @Test
  void aBinaryMessageInTwoFramesIsOneWitrpcFrame() throws Exception {
    start(false);
    try (RawWebSocket raw = upgraded()) {
      raw.sendFrame(0x2, false, 2, new byte[] {1, 2});
      raw.sendFrame(0x0, true, 1, new byte[] {3});
      RecordingListener listener = listeners.poll(AWAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(listener).isNotNull();
      assertThat(listener.nextFrame(AWAIT).array()).containsExactly(1, 2, 3);
    }
  }

  @ParameterizedTest(name = "tls={0}")
  @ValueSource(booleans = {false, true})
  void framesSentRightBehindTheUpgradeRequestArriveInOrder(boolean tls) throws Exception {
    TlsFixture certificates = tls ? new TlsFixture("wss://127.0.0.1:%d/rpc") : null;
    start(false, certificates);
    ByteArrayOutputStream frames = new ByteArrayOutputStream();
    frames.writeBytes(RawWebSocket.frame(0x2, true, 3, new byte[] {1, 2, 3}));
    frames.writeBytes(RawWebSocket.frame(0x2, false, 2, new byte[] {4, 5}));
    byte[] third = RawWebSocket.frame(0x0, true, 1, new byte[] {6});
    frames.write(third, 0, 2); // the rest of this frame comes in a later write
    try (RawWebSocket raw =
        tls
            ? RawWebSocket.overTls(server.port(), certificates.ca.certificate())
            : new RawWebSocket(server.port())) {
      assertThat(raw.upgradeWith("/rpc", frames.toByteArray())).startsWith("HTTP/1.1 101");
      raw.sendRaw(third, 2, third.length - 2);
      RecordingListener listener = listeners.poll(AWAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(listener).isNotNull();
      assertThat(listener.nextFrame(AWAIT).array()).containsExactly(1, 2, 3);
      assertThat(listener.nextFrame(AWAIT).array()).containsExactly(4, 5, 6);
    }
  }

  @Test
  void aTextFrameClosesTheConnectionWith1003() throws Exception {
    start(false);
    try (RawWebSocket raw = upgraded()) {
      raw.sendFrame(0x1, true, 2, "hi".getBytes(StandardCharsets.UTF_8));
      RawWebSocket.Frame close = raw.readUntilClose();
      assertThat(close.closeStatus()).isEqualTo(1003);
      assertThat(close.closeReason()).contains("text frame");
      assertThat(closeCause()).contains("text frame").contains("binary");
    }
  }

  @Test
  void beforeReadyAMessageAboveTheHandshakeLimitIsRefusedAtItsHeader() throws Exception {
    start(false);
    try (RawWebSocket raw = upgraded()) {
      raw.sendFrame(0x2, true, 32 << 10, new byte[0]); // the header only
      assertThat(raw.readUntilClose().closeStatus()).isEqualTo(1009);
      assertThat(closeCause()).contains("32768 bytes").contains("before the connection is ready");
    }
  }

  @Test
  void afterAllowLargeFramesTheMaximumFrameSizeCountsAcrossContinuations() throws Exception {
    start(true);
    try (RawWebSocket raw = upgraded()) {
      raw.sendFrame(0x2, false, 40 << 10, new byte[40 << 10]);
      raw.sendFrame(0x0, true, 40 << 10, new byte[0]); // 80 KiB in all: refused at this header
      assertThat(raw.readUntilClose().closeStatus()).isEqualTo(1009);
      assertThat(closeCause()).contains("81920 bytes").contains("maximum frame size of 65536");
    }
  }

  @Test
  void aTerabyteAnnouncementCostsNothing() throws Exception {
    start(true);
    try (RawWebSocket raw = upgraded()) {
      raw.sendFrame(0x2, true, 1L << 40, new byte[0]);
      assertThat(raw.readUntilClose().closeStatus()).isEqualTo(1009);
      assertThat(closeCause()).contains(Long.toString(1L << 40));
    }
  }

  /**
   * A continuation announcing 2^63 - 1 bytes made the size check's sum wrap below the limit: the
   * frame was taken, and the reader looped for ever on the shared I/O thread, before any handshake.
   */
  @ParameterizedTest(name = "allowLargeFrames={0}")
  @ValueSource(booleans = {false, true})
  void aContinuationAnnouncingTheLargestLengthIsRefusedAtItsHeader(boolean large) throws Exception {
    start(large);
    try (RawWebSocket raw = upgraded()) {
      raw.sendFrame(0x2, false, 1, new byte[] {1});
      raw.sendFrame(0x0, true, Long.MAX_VALUE, new byte[16]);
      assertThat(raw.readUntilClose().closeStatus()).isEqualTo(1009);
      assertThat(closeCause()).contains(Long.toString(Long.MAX_VALUE));
    }
    // the I/O thread is free: the next client is served
    try (RawWebSocket raw = upgraded()) {
      raw.sendFrame(0x2, true, 2, new byte[] {5, 6});
      RecordingListener listener = listeners.poll(AWAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(listener).isNotNull();
      assertThat(listener.nextFrame(AWAIT).array()).containsExactly(5, 6);
    }
  }

  @Test
  void anUnmaskedClientFrameIsAProtocolError() throws Exception {
    start(false);
    try (RawWebSocket raw = upgraded()) {
      raw.socket.getOutputStream().write(new byte[] {(byte) 0x82, 0x01, 0x07});
      assertThat(raw.readUntilClose().closeStatus()).isEqualTo(1002);
      assertThat(closeCause()).contains("not masked");
    }
  }

  /**
   * RFC 6455 5.5.1 and 7.4: a close payload is empty or a 2-byte status (then a reason); a 1-byte
   * payload, and a status no endpoint may send (1005 and 1006 are for reporting only, 1004 and
   * below 1000 are not defined), are protocol errors (1002), not a normal close.
   */
  @ParameterizedTest
  @ValueSource(strings = {"03", "03ED", "03EE", "03EC", "03E7", "0000"})
  void aMalformedClosePayloadIsAProtocolError(String payloadHex) throws Exception {
    start(false);
    try (RawWebSocket raw = upgraded()) {
      byte[] payload = HexFormat.of().parseHex(payloadHex);
      raw.sendFrame(0x8, true, payload.length, payload);
      assertThat(raw.readUntilClose().closeStatus()).isEqualTo(1002);
      assertThat(closeCause()).contains("close frame");
    }
  }

  /**
   * A close frame with an error status is still a close in good order: the frames before it reach
   * the listener (they were dropped when it was slower than the peer).
   */
  @Test
  void framesBeforeACloseWithAnErrorStatusAreStillDelivered() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    List<Byte> delivered = new CopyOnWriteArrayList<>();
    RecordingListener listener =
        new RecordingListener(
            frame -> {
              try {
                assertThat(gate.await(AWAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              delivered.add(frame.get(0));
            });
    server = WebSocketTransport.server("127.0.0.1", 0, "/rpc").maxFrameSize(64 << 10).build();
    server.start(connection -> listener);
    try (RawWebSocket raw = upgraded()) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      for (byte b = 1; b <= 3; b++) {
        bytes.writeBytes(RawWebSocket.frame(0x2, true, 1, new byte[] {b}));
      }
      bytes.writeBytes(RawWebSocket.frame(0x8, true, 2, new byte[] {0x03, (byte) 0xF3})); // 1011
      raw.sendRaw(bytes.toByteArray(), 0, bytes.size());
      assertThat(raw.readUntilClose().closeStatus()).as("the close was read").isEqualTo(1011);
      gate.countDown();
      assertThat(listener.awaitClosed(AWAIT).orElseThrow()).hasMessageContaining("status 1011");
      assertThat(delivered).containsExactly((byte) 1, (byte) 2, (byte) 3);
    }
  }

  @Test
  void aValidCloseStatusIsEchoed() throws Exception {
    start(false);
    try (RawWebSocket raw = upgraded()) {
      raw.sendFrame(0x8, true, 2, new byte[] {0x0F, (byte) 0xA0}); // 4000, application-defined
      assertThat(raw.readUntilClose().closeStatus()).isEqualTo(4000);
      assertThat(closeCause()).contains("status 4000");
    }
  }
}
