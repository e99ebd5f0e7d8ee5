package org.witrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.witrpc.Serializers;
import org.witrpc.WitSerializationException;
import org.witrpc.spi.Serializer;

class ErrorBodyTest {

  static Serializer[] serializers() {
    return new Serializer[] {Serializers.json(), Serializers.messagePack()};
  }

  private static ByteBuffer written(Serializer serializer, ErrorBody body) {
    FrameBuffer fb = new FrameBuffer();
    body.write(serializer, fb);
    ByteBuffer frame = fb.finish(MessageType.RESPONSE, 0, 500, 1);
    return EnvelopeCodec.decode(frame).body();
  }

  @ParameterizedTest
  @MethodSource("serializers")
  void roundTripsEveryFieldAndNulls(Serializer serializer) {
    ErrorBody full =
        new ErrorBody("java.lang.IllegalStateException", "bad state", "at X.y(X.java:1)");
    assertThat(ErrorBody.read(serializer, written(serializer, full))).isEqualTo(full);
    ErrorBody empty = new ErrorBody(null, null, null);
    assertThat(ErrorBody.read(serializer, written(serializer, empty))).isEqualTo(empty);
  }

  @Test
  void isTheDocumentedSequenceOfThreeStrings() {
    ByteBuffer body = written(Serializers.json(), new ErrorBody("C", "m", null));
    assertThat(StandardCharsets.UTF_8.decode(body).toString()).isEqualTo("[\"C\",\"m\",null]");
  }

  @Test
  void aLongMessageIsCutWhenWrittenAndSaysHowMuchWasCut() {
    String message = "x".repeat(ErrorBody.MAX_MESSAGE_CHARS + 10);
    ErrorBody read =
        ErrorBody.read(
            Serializers.json(), written(Serializers.json(), new ErrorBody(null, message, null)));
    assertThat(read.message())
        .startsWith("x".repeat(ErrorBody.MAX_MESSAGE_CHARS) + "...")
        .endsWith("(10 more characters cut)");
    String atLimit = "y".repeat(ErrorBody.MAX_MESSAGE_CHARS);
    assertThat(
            ErrorBody.read(
                    Serializers.json(),
                    written(Serializers.json(), new ErrorBody(null, atLimit, null)))
                .message())
        .isEqualTo(atLimit);
  }

  @Test
  void aBodyWithTheWrongNumberOfValuesIsRefused() {
    ByteBuffer two = ByteBuffer.wrap("[\"C\",\"m\"]".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> ErrorBody.read(Serializers.json(), two))
        .isInstanceOf(WitSerializationException.class)
        .hasMessageContaining("2 values, expected 3");
  }

  @Test
  void aSerializerThatReturnsSomethingElseThanStringsIsRefusedClearly() {
    assertThatThrownBy(() -> ErrorBody.read(returning(null, 42, null), ByteBuffer.allocate(0)))
        .isInstanceOf(WitSerializationException.class)
        .hasMessage("error body: the message is a java.lang.Integer, not a string");
    assertThatThrownBy(() -> ErrorBody.read(returning("C"), ByteBuffer.allocate(0)))
        .isInstanceOf(WitSerializationException.class)
        .hasMessage("error body has 1 values, expected 3");
  }

  /** A serializer whose read returns {@code values}, whatever it is given. */
  static Serializer returning(Object... values) {
    return new Serializer() {
      @Override
      public String name() {
        return "fixed";
      }

      @Override
      public void write(OutputStream out, Object[] v, Type[] types) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Object[] read(ByteBuffer in, Type[] types) {
        return values.clone();
      }
    };
  }
}
