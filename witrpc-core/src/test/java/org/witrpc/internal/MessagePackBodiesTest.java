package org.witrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.witrpc.Serializers;
import org.witrpc.WitSerializationException;
import org.witrpc.spi.Serializer;
import org.witrpc.testkit.ComplexNumber;

@DisplayName("MessagePack bodies with large byte[] values")
class MessagePackBodiesTest {
  private static final Serializer MSGPACK = Serializers.messagePack();

  interface Signature {
    void call(
        byte[] large,
        String text,
        List<ComplexNumber<Integer, Double>> list,
        byte[] absent,
        byte[] small,
        Optional<String> optional);
  }

  private static Type[] types() throws NoSuchMethodException {
    Method m =
        Signature.class.getMethod(
            "call",
            byte[].class,
            String.class,
            List.class,
            byte[].class,
            byte[].class,
            Optional.class);
    return m.getGenericParameterTypes();
  }

  private static byte[] random(int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return b;
  }

  private static Object[] values() {
    return new Object[] {
      random(1 << 20),
      "text",
      List.of(new ComplexNumber<>(1, 2.5)),
      null,
      random(10),
      Optional.of("o")
    };
  }

  /** The body of a frame built from {@code parts}, as a transport delivers it. */
  private static ByteBuffer body(ByteBuffer[] parts) {
    int length = Arrays.stream(parts).mapToInt(ByteBuffer::remaining).sum();
    ByteBuffer frame = ByteBuffer.allocate(length);
    for (ByteBuffer p : parts) {
      frame.put(p.duplicate());
    }
    return frame.flip().position(EnvelopeCodec.HEADER_SIZE).slice();
  }

  private static void assertSameValues(Object[] back, Object[] values) {
    assertThat(back).hasSameSizeAs(values);
    for (int i = 0; i < values.length; i++) {
      if (values[i] instanceof byte[] b) {
        assertThat((byte[]) back[i]).as("value %d", i).isEqualTo(b);
      } else {
        assertThat(back[i]).as("value %d", i).isEqualTo(values[i]);
      }
    }
  }

  @Test
  void aLargeArrayIsSentByReferenceAndEveryValueRoundTrips() throws Exception {
    Object[] values = values();
    FrameBuffer out = new FrameBuffer();
    MSGPACK.write(out, values, types());
    ByteBuffer[] parts = out.finishParts(MessageType.REQUEST, 0, 0, 1);

    assertThat(parts).anySatisfy(p -> assertThat(p.array()).isSameAs(values[0]));
    assertThat(parts[0].getInt(EnvelopeCodec.LENGTH_OFFSET))
        .isEqualTo(Arrays.stream(parts).mapToInt(ByteBuffer::remaining).sum() - 16);
    ByteBuffer body = body(parts);
    assertSameValues(MSGPACK.read(body, types()), values);
    assertThat(body.hasRemaining()).isFalse();
  }

  @Test
  void bothWaysOfWritingAreReadByBothWaysOfReading() throws Exception {
    Object[] values = values();
    FrameBuffer byReference = new FrameBuffer();
    MSGPACK.write(byReference, values, types());
    byte[] valueByValue = bytes(body(byReference.finishParts(MessageType.REQUEST, 0, 0, 1)));
    ByteArrayOutputStream whole = new ByteArrayOutputStream(); // not a FrameBuffer: plain Jackson
    MSGPACK.write(whole, values, types());

    for (byte[] body : List.of(valueByValue, whole.toByteArray())) {
      assertSameValues(MSGPACK.read(ByteBuffer.wrap(body), types()), values);
      ByteBuffer direct = ByteBuffer.allocateDirect(body.length).put(body).flip(); // Jackson path
      assertSameValues(MSGPACK.read(direct, types()), values);
    }
  }

  @Test
  void aWrongNumberOfValuesOrATruncatedBodyFailsClearly() throws Exception {
    Type[] types = types();
    FrameBuffer out = new FrameBuffer();
    MSGPACK.write(out, values(), types);
    byte[] body = bytes(body(out.finishParts(MessageType.REQUEST, 0, 0, 1)));

    Type[] fewer = Arrays.copyOf(types, types.length - 1);
    assertThatThrownBy(() -> MSGPACK.read(ByteBuffer.wrap(body), fewer))
        .isInstanceOf(WitSerializationException.class)
        .hasMessageContaining("more than the expected 5 values");
    Type[] more = Arrays.copyOf(types, types.length + 1);
    more[types.length] = byte[].class;
    assertThatThrownBy(() -> MSGPACK.read(ByteBuffer.wrap(body), more))
        .isInstanceOf(WitSerializationException.class)
        .hasMessageContaining("has 6 values, expected 7");
    byte[] truncated = Arrays.copyOf(body, body.length / 2);
    assertThatThrownBy(() -> MSGPACK.read(ByteBuffer.wrap(truncated), types))
        .isInstanceOf(WitSerializationException.class);
    byte[] notAnArray = body.clone();
    notAnArray[0] = (byte) 0xc0; // nil
    assertThatThrownBy(() -> MSGPACK.read(ByteBuffer.wrap(notAnArray), types))
        .isInstanceOf(WitSerializationException.class)
        .hasMessageContaining("not a sequence of values");
  }

  @Test
  void aBinaryHeaderClaimingMoreThanTheBodyIsRefusedBeforeAllocating() {
    byte[] body = new byte[100_000];
    body[0] = (byte) 0x91; // array of one value
    body[1] = (byte) 0xc6; // bin 32
    body[2] = 0x7f; // 2 GiB - 1 bytes claimed
    body[3] = (byte) 0xff;
    body[4] = (byte) 0xff;
    body[5] = (byte) 0xff;

    assertThatThrownBy(() -> MSGPACK.read(ByteBuffer.wrap(body), new Type[] {byte[].class}))
        .isInstanceOf(WitSerializationException.class)
        .hasMessageContaining("more than the body holds");
  }

  @Test
  void aValueThatDoesNotMatchItsTypeIsNamed() throws Exception {
    Object[] values = values();
    values[1] = "not a number";
    Type[] written = types();
    FrameBuffer out = new FrameBuffer();
    MSGPACK.write(out, values, written);
    byte[] body = bytes(body(out.finishParts(MessageType.REQUEST, 0, 0, 1)));
    Type[] expected = written.clone();
    expected[1] = int.class;

    assertThatThrownBy(() -> MSGPACK.read(ByteBuffer.wrap(body), expected))
        .isInstanceOf(WitSerializationException.class)
        .hasMessageContaining("value 1 does not match parameter 1 of type int");
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
