package org.witrpc.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.witrpc.Metadata;
import org.witrpc.Status;
import org.witrpc.internal.Envelope;
import org.witrpc.internal.EnvelopeCodec;
import org.witrpc.internal.MessageType;
import org.witrpc.transport.mmf.LargeValueBenchmark;
import org.witrpc.transport.mmf.RingBufferBenchmark;

/**
 * Each benchmark's operation, called directly, does the whole job it claims to measure: what is
 * encoded decodes back to the input, what goes into the ring or the cipher comes out unchanged.
 */
class BenchmarksMeasureRealWorkTest {

  @Test
  void envelopeCodecDecodesWhatItEncodes() {
    EnvelopeCodecBenchmark b = new EnvelopeCodecBenchmark();
    b.setUp();

    assertThat(b.decodeRequest()).isEqualTo(Metadata.empty());
    assertThat(b.decodeRequestWithMetadata()).isEqualTo(EnvelopeCodecBenchmark.METADATA);
    Envelope response = b.decodeResponse();
    assertThat(response.type()).isEqualTo(MessageType.RESPONSE);
    assertThat(response.status()).isEqualTo(Status.OK.code());
    assertThat(response.correlationId()).isEqualTo(42);
    assertThat(EnvelopeCodec.decode(b.encodeRequestWithMetadata()).type())
        .isEqualTo(MessageType.REQUEST);
  }

  @ParameterizedTest
  @ValueSource(ints = {64, 4096, 1 << 20})
  void ringReturnsTheFrameItWasGiven(int frameBytes) throws IOException {
    RingBufferBenchmark b = new RingBufferBenchmark();
    b.frameBytes = frameBytes;
    b.setUp();
    try {
      for (int round = 0; round < 3; round++) { // past the ring's end: padding and wrap-around
        ByteBuffer received = b.writeThenRead();
        assertThat(received.remaining()).isEqualTo(frameBytes);
        assertThat(received.get(frameBytes - 1)).isEqualTo((byte) ((frameBytes - 1) * 31 + 1));
      }
    } finally {
      b.tearDown();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"whole", "apart"})
  void largeValueComesOutAsSentEitherWay(String receive) throws IOException {
    LargeValueBenchmark b = new LargeValueBenchmark();
    b.valueBytes = 3 << 20;
    b.receive = receive;
    b.setUp();
    try {
      for (int round = 0; round < 3; round++) {
        byte[] value = b.receiveAndDecode();
        assertThat(value).hasSize(3 << 20);
        assertThat(value[(3 << 20) - 1]).isEqualTo((byte) (((3 << 20) - 1) * 31 + 1));
        assertThat(value[12_345]).isEqualTo((byte) (12_345 * 31 + 1));
      }
    } finally {
      b.tearDown();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {64, 1 << 20})
  void cipherOpensWhatItSealed(int bodyBytes) {
    FrameCipherBenchmark b = new FrameCipherBenchmark();
    b.bodyBytes = bodyBytes;
    b.setUp();

    ByteBuffer opened = b.sealAndOpen();

    assertThat(opened.remaining()).isEqualTo(EnvelopeCodec.HEADER_SIZE + bodyBytes);
    assertThat(EnvelopeCodec.decode(opened).body())
        .isEqualTo(ByteBuffer.wrap(Fill.pattern(bodyBytes, 3)));
    assertThat(b.seal().remaining()).isGreaterThan(EnvelopeCodec.HEADER_SIZE + bodyBytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "msgpack"})
  void serializerDecodesWhatItEncoded(String serializer) {
    SerializerBenchmark b = new SerializerBenchmark();
    b.serializer = serializer;
    b.setUp();

    assertThat(b.decodeAddArguments()).containsExactly(1, 2);
    assertThat((byte[]) b.decodeBytes()[0])
        .isEqualTo(Fill.pattern(SerializerBenchmark.BYTES_LENGTH, 5));
  }
}
