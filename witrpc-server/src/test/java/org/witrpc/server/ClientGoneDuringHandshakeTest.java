package org.witrpc.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.witrpc.Serializers;
import org.witrpc.WitTransportException;
import org.witrpc.internal.Envelope;
import org.witrpc.internal.EnvelopeCodec;
import org.witrpc.internal.Handshake;
import org.witrpc.internal.MessageType;
import org.witrpc.spi.FrameListener;
import org.witrpc.testkit.StubConnection;
import org.witrpc.testkit.TestService;
import org.witrpc.testkit.TestServiceImpl;

/**
 * A client that goes away while the server answers its HELLO (it gave up connecting, say) is not a
 * protocol violation: the server closes its side without a warning or a GOODBYE naming one, and a
 * real violation on an open connection still gets both.
 */
class ClientGoneDuringHandshakeTest {
  private static final HandshakeTimer TIMER = new HandshakeTimer(Duration.ofMinutes(1));

  @AfterAll
  static void stopTimer() {
    TIMER.close();
  }

  /**
   * A connection whose peer may have gone: once closed every send fails, as a transport's does
   * then; remembers what the server tried to send.
   */
  static final class GoneConnection extends StubConnection {
    final List<String> attempted = new CopyOnWriteArrayList<>();

    GoneConnection() {
      super("gone");
    }

    @Override
    public void send(ByteBuffer... parts) {
      ByteBuffer all =
          ByteBuffer.allocate(Arrays.stream(parts).mapToInt(ByteBuffer::remaining).sum());
      for (ByteBuffer p : parts) {
        all.put(p.duplicate());
      }
      Envelope env = EnvelopeCodec.decode(all.flip());
      attempted.add(
          env.type() == MessageType.GOODBYE
              ? "GOODBYE " + Handshake.readGoodbye(env.body())
              : env.type().toString());
      if (!isOpen()) {
        throw new WitTransportException("gone is closed");
      }
    }
  }

  private static ServerSettings settings() {
    return HandshakeFuzzTest.settings(
        new ServiceRegistry(Map.of(TestService.class, new TestServiceImpl())),
        Serializers.json(),
        false,
        "",
        TIMER);
  }

  private static ByteBuffer hello() {
    return Handshake.hello(
        MessageType.HELLO,
        new Handshake.Hello(Handshake.PROTOCOL_VERSION, 0, Serializers.json().name()));
  }

  @Test
  void aHelloWhoseAnswerFindsTheClientGoneIsNoViolation() {
    GoneConnection gone = new GoneConnection();
    FrameListener server = ServerConnection.accept(gone, settings());
    gone.close(); // the client gave up: the transport has closed the connection

    server.onFrame(hello());

    // the HELLO_ACK found the connection closed; no GOODBYE naming a violation after it
    assertThat(gone.attempted).containsExactly("HELLO_ACK");
    assertThat(gone.isOpen()).isFalse();
  }

  /** A malformed frame stays a violation when its sender has already gone. */
  @Test
  void aMalformedHelloFromAPeerGoneAtOnceIsStillAViolation() {
    GoneConnection gone = new GoneConnection();
    FrameListener server = ServerConnection.accept(gone, settings());
    gone.close();

    ByteBuffer hello = hello();
    hello.limit(hello.limit() - 1); // its body cut short
    server.onFrame(hello.slice());

    assertThat(gone.attempted)
        .singleElement()
        .asString()
        .startsWith("GOODBYE protocol violation: ");
  }

  @Test
  void aViolationOnAnOpenConnectionIsStillOne() {
    GoneConnection open = new GoneConnection();
    FrameListener server = ServerConnection.accept(open, settings());

    server.onFrame(Handshake.auth("")); // AUTH before HELLO

    assertThat(open.attempted)
        .singleElement()
        .asString()
        .startsWith("GOODBYE protocol violation: ");
    assertThat(open.isOpen()).isFalse();
  }
}
