package org.witrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.witrpc.Status;
import org.witrpc.WitTransportException;
import org.witrpc.spi.ValueSpan;

class EnvelopeCodecTest {

  @Test
  void roundTripsEveryHeaderField() {
    for (MessageType type : MessageType.values()) {
      ByteBuffer body = ByteBuffer.wrap("body".getBytes(StandardCharsets.UTF_8));
      ByteBuffer frame = EnvelopeCodec.encode(type, 3, 561, Long.MIN_VALUE + 7, body);
      assertThat(frame.remaining()).isEqualTo(EnvelopeCodec.HEADER_SIZE + 4);
      Envelope env = EnvelopeCodec.decode(frame);
      assertThat(env.type()).isEqualTo(type);
      assertThat(env.flags()).isEqualTo(3);
      assertThat(env.status()).isEqualTo(561);
      assertThat(env.correlationId()).isEqualTo(Long.MIN_VALUE + 7);
      assertThat(BodyReader.rest(env.body())).isEqualTo("body");
    }
  }

  @Test
  void headerIsBigEndianAtDocumentedOffsets() {
    ByteBuffer frame =
        EnvelopeCodec.encode(
            MessageType.RESPONSE, 0, 500, 0x0102030405060708L, ByteBuffer.allocate(2));
    byte[] b = new byte[frame.remaining()];
    frame.get(b);
    assertThat(b).startsWith(6, 0, 0x01, (byte) 0xF4, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 2);
  }

  @Test
  void frameBufferBuildsTheSameFrame() {
    FrameBuffer fb = new FrameBuffer(1);
    fb.writeString16("é");
    Envelope env = EnvelopeCodec.decode(fb.finish(MessageType.REQUEST, 0, 0, 9));
    assertThat(env.correlationId()).isEqualTo(9);
    assertThat(BodyReader.string16(env.body(), "s")).isEqualTo("é");
  }

  @Test
  void aFrameWithoutAValueReceivedApartCountsTheMissingBytesAndNoOthers() {
    ByteBuffer whole =
        EnvelopeCodec.encode(MessageType.RESPONSE, 0, 200, 7, ByteBuffer.wrap(new byte[100]));
    ByteBuffer compact = ByteBuffer.allocate(EnvelopeCodec.HEADER_SIZE + 60);
    compact.put(whole.duplicate().limit(EnvelopeCodec.HEADER_SIZE + 60)).flip();

    Envelope env = EnvelopeCodec.decode(compact.duplicate(), 40);

    assertThat(env.correlationId()).isEqualTo(7);
    assertThat(env.body().remaining()).isEqualTo(60);
    assertThatThrownBy(() -> EnvelopeCodec.decode(compact.duplicate(), 39))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("bad body length 100")
        .hasMessageContaining("carries 99 body bytes");
    assertThatThrownBy(() -> EnvelopeCodec.decode(compact.duplicate(), 41))
        .isInstanceOf(WitTransportException.class);
    assertThatThrownBy(() -> EnvelopeCodec.decode(compact.duplicate(), -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void truncatedHeaderIsRefused() {
    assertThatThrownBy(() -> EnvelopeCodec.decode(ByteBuffer.allocate(15)))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("truncated frame");
  }

  @Test
  void bodyLengthMustMatchTheFrame() {
    ByteBuffer frame = EnvelopeCodec.encode(MessageType.REQUEST, 0, 0, 1, ByteBuffer.allocate(8));
    frame.putInt(12, 9);
    assertThatThrownBy(() -> EnvelopeCodec.decode(frame))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("bad body length 9");
    frame.putInt(12, -1);
    assertThatThrownBy(() -> EnvelopeCodec.decode(frame))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("bad body length -1");
  }

  @Test
  void unknownTypeIsRefused() {
    ByteBuffer frame = EnvelopeCodec.encode(MessageType.REQUEST, 0, 0, 1, ByteBuffer.allocate(0));
    frame.put(0, (byte) 99);
    assertThatThrownBy(() -> EnvelopeCodec.decode(frame))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("unknown message type 99");
  }

  @Test
  void truncatedRouteIsRefused() {
    ByteBuffer body = ByteBuffer.wrap(new byte[] {0, 10, 'a'});
    assertThatThrownBy(() -> Route.read(body))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("truncated body");
  }

  @Test
  void handshakeBodiesRoundTrip() {
    Handshake.Hello hello =
        new Handshake.Hello(
            Handshake.PROTOCOL_VERSION, Handshake.FLAG_ENCRYPTION, "msgpack", 1234, 5678);
    Envelope env = EnvelopeCodec.decode(Handshake.hello(MessageType.HELLO, hello));
    assertThat(Handshake.readHello(env.body())).isEqualTo(hello);
    Envelope auth = EnvelopeCodec.decode(Handshake.auth("tøken"));
    assertThat(Handshake.readAuth(auth.body())).isEqualTo("tøken");
    Envelope bye = EnvelopeCodec.decode(Handshake.goodbye("done"));
    assertThat(Handshake.readGoodbye(bye.body())).isEqualTo("done");
    Envelope ack =
        EnvelopeCodec.decode(Handshake.status(MessageType.AUTH_ACK, Status.UNAUTHORIZED, "no"));
    assertThat(ack.status()).isEqualTo(561);
    assertThat(Handshake.readStatusMessage(ack.body())).isEqualTo("no");
  }

  @Test
  void oversizedTokenLengthIsRefusedBeforeAllocation() {
    ByteBuffer body = ByteBuffer.allocate(4).putInt(0, Integer.MAX_VALUE);
    assertThatThrownBy(() -> Handshake.readAuth(body))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("bad token length");
  }

  @Test
  void aSpanInABodyIsASpanOfTheFrameOnlyIfItEndsInsideIt() {
    ValueSpan inBody = new ValueSpan(10, 90);
    assertThat(EnvelopeCodec.spanInFrame(20, inBody, 120)).isEqualTo(new ValueSpan(30, 90));
    assertThat(EnvelopeCodec.spanInFrame(20, inBody, 119)).isNull();
    // a length prefix near 2^31: no overflow, no exception, no span
    ValueSpan huge = new ValueSpan(10, Integer.MAX_VALUE - 10);
    assertThat(EnvelopeCodec.spanInFrame(EnvelopeCodec.HEADER_SIZE, huge, Integer.MAX_VALUE))
        .isNull();
  }
}
