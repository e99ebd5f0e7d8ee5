package org.witrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.witrpc.Serializers;
import org.witrpc.WitSerializationException;
import org.witrpc.spi.Serializer;

class SubscriptionBodyTest {

  static Serializer[] serializers() {
    return ErrorBodyTest.serializers();
  }

  private static ByteBuffer written(Serializer serializer, long id) {
    FrameBuffer fb = new FrameBuffer();
    serializer.write(fb, SubscriptionBody.values(id), SubscriptionBody.types());
    return EnvelopeCodec.decode(fb.finish(MessageType.SUBSCRIBE, 0, 0, 1)).body();
  }

  private static ByteBuffer json(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @MethodSource("serializers")
  void roundTripsEveryI64(Serializer serializer) {
    for (long id : new long[] {1, 0, -1, Long.MAX_VALUE, Long.MIN_VALUE}) {
      ByteBuffer body = written(serializer, id);
      assertThat(SubscriptionBody.read(serializer, body)).isEqualTo(id);
      assertThat(body.hasRemaining()).as("consumed").isFalse();
    }
  }

  @Test
  void isTheDocumentedSequenceOfOneI64() {
    assertThat(StandardCharsets.UTF_8.decode(written(Serializers.json(), 7)).toString())
        .isEqualTo("[7]");
  }

  @Test
  void typesAreACopy() {
    Type[] types = SubscriptionBody.types();
    types[0] = String.class;
    assertThat(SubscriptionBody.types()).containsExactly(long.class);
  }

  @Test
  void malformedValuesAreRefused() {
    assertThatThrownBy(() -> SubscriptionBody.read(Serializers.json(), json("[\"seven\"]")))
        .isInstanceOf(WitSerializationException.class)
        .hasMessageContaining("type long");
    assertThatThrownBy(() -> SubscriptionBody.read(Serializers.json(), json("[null]")))
        .isInstanceOf(WitSerializationException.class);
    assertThatThrownBy(() -> SubscriptionBody.read(Serializers.json(), json("[1,2]")))
        .isInstanceOf(WitSerializationException.class)
        .hasMessageContaining("more than the expected 1 values");
  }

  @Test
  void aSerializerThatReturnsNoI64IsRefusedClearly() {
    assertThatThrownBy(
            () ->
                SubscriptionBody.read(
                    ErrorBodyTest.returning((Object) null), ByteBuffer.allocate(0)))
        .isInstanceOf(WitSerializationException.class)
        .hasMessage(
            "subscription body holds 1 values, the first null, where one subscription id (i64)"
                + " was expected");
    assertThatThrownBy(
            () -> SubscriptionBody.read(ErrorBodyTest.returning("7"), ByteBuffer.allocate(0)))
        .isInstanceOf(WitSerializationException.class)
        .hasMessageContaining("the first a java.lang.String");
  }
}
