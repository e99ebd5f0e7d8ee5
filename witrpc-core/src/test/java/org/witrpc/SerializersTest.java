package org.witrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.witrpc.internal.EnvelopeCodec;
import org.witrpc.internal.ErrorBody;
import org.witrpc.internal.FrameBuffer;
import org.witrpc.internal.MessageType;
import org.witrpc.spi.Serializer;
import org.witrpc.testkit.Color;
import org.witrpc.testkit.ComplexNumber;

class SerializersTest {

  /** Declares the generic types the tests read values as. */
  interface Types {
    void signature(
        List<ComplexNumber<Integer, Double>> list,
        Map<String, ComplexNumber<String, Long>> map,
        Optional<String> optional,
        List<String> strings);
  }

  private static Serializer serializer(String name) {
    return name.equals("json") ? Serializers.json() : Serializers.messagePack();
  }

  private static Object[] roundTrip(Serializer s, Object[] values, Type[] types) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    s.write(out, values, types);
    return s.read(ByteBuffer.wrap(out.toByteArray()), types);
  }

  private static Type[] genericTypes() throws NoSuchMethodException {
    Method m =
        Types.class.getMethod("signature", List.class, Map.class, Optional.class, List.class);
    return m.getGenericParameterTypes();
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "msgpack"})
  void genericTypesRoundTripExactly(String name) throws Exception {
    Type[] types = genericTypes();
    Object[] values = {
      List.of(new ComplexNumber<>(1, 2.5)),
      Map.of("k", new ComplexNumber<>("v", 3L)),
      Optional.of("o"),
      List.of("a", "b")
    };
    Object[] back = roundTrip(serializer(name), values, types);
    assertThat(back).containsExactly(values);
    @SuppressWarnings("unchecked") // the declared type says List<ComplexNumber<Integer, Double>>
    List<ComplexNumber<Integer, Double>> list = (List<ComplexNumber<Integer, Double>>) back[0];
    assertThat(list.get(0).real()).isInstanceOf(Integer.class);
    assertThat(list.get(0).imaginary()).isInstanceOf(Double.class);
  }

  /** A record with a text field and a char, for the lone-surrogate tests. */
  record Letter(String text, char initial) {}

  /**
   * Every kind of text that holds a lone surrogate: a string, a map key, a record field, a char, a
   * char[]. Each at index 1 (a char: 0), U+D83D or U+DE00.
   */
  private static final Object[][] LONE = {
    {"a\uD83Db", String.class},
    {
      Map.of("k\uDE00", "v"),
      new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() {}.getType()
    },
    {new Letter("x\uD83D", 'y'), Letter.class},
    {'\uDE00', char.class},
    {new char[] {'a', '\uD83D'}, char[].class}
  };

  @Test
  void jsonCarriesLoneSurrogatesUnchanged() {
    for (Object[] value : LONE) {
      Object[] back =
          roundTrip(serializer("json"), new Object[] {value[0]}, new Type[] {(Type) value[1]});
      assertThat(back[0]).as("%s", value[1]).isEqualTo(value[0]);
    }
  }

  @Test
  void messagePackRefusesLoneSurrogatesNamingThemInsteadOfSendingQuestionMarks() {
    for (Object[] value : LONE) {
      assertThatThrownBy(
              () ->
                  roundTrip(
                      serializer("msgpack"), new Object[] {value[0]}, new Type[] {(Type) value[1]}))
          .as("%s", value[1])
          .isInstanceOf(WitSerializationException.class)
          .hasMessageMatching("(?s).*a lone surrogate \\(U\\+(D83D|DE00)\\) at index [01].*");
    }
    // pairs, and every other code point, arrive unchanged
    String pairs = "\uD83D\uDE00 \uD834\uDD1E \u0000 \uFFFF \u00e9";
    Object[] back =
        roundTrip(
            serializer("msgpack"),
            new Object[] {pairs, new Letter(pairs, '\u20ac'), Map.of(pairs, pairs)},
            new Type[] {String.class, Letter.class, Map.class});
    assertThat(back).containsExactly(pairs, new Letter(pairs, '\u20ac'), Map.of(pairs, pairs));
  }

  /**
   * Decimals arrive exactly, scale included, in both formats: MessagePack carries them as text (it
   * has no decimal type; msgpack-java alone sends a double, {@code 1.10} arriving as {@code 1.1},
   * and refuses what a double cannot hold or a BigInteger above 2^64 - 1).
   */
  @ParameterizedTest
  @ValueSource(strings = {"json", "msgpack"})
  void bigDecimalsAndBigIntegersArriveExactly(String name) {
    Object[] values = {
      new java.math.BigDecimal("1.10"),
      new java.math.BigDecimal("-1234567890.123456789012345678901234567890"),
      new java.math.BigDecimal("1E+3"),
      new java.math.BigInteger("-123456789012345678901234567890123456789"),
      List.of(new java.math.BigDecimal("0.00"))
    };
    Type[] types = {
      java.math.BigDecimal.class,
      java.math.BigDecimal.class,
      java.math.BigDecimal.class,
      java.math.BigInteger.class,
      new com.fasterxml.jackson.core.type.TypeReference<List<java.math.BigDecimal>>() {}.getType()
    };

    Object[] back = roundTrip(serializer(name), values, types);

    assertThat(back).containsExactly(values); // BigDecimal.equals compares the scale too
  }

  /** A MessagePack peer that writes a decimal as a number (msgpack-java's way) is still read. */
  @Test
  void messagePackReadsADecimalSentAsANumber() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    org.msgpack.core.MessagePacker packer = org.msgpack.core.MessagePack.newDefaultPacker(out);
    packer.packArrayHeader(2).packDouble(1.5).packLong(42);
    packer.flush();

    Object[] back =
        serializer("msgpack")
            .read(
                ByteBuffer.wrap(out.toByteArray()),
                new Type[] {java.math.BigDecimal.class, java.math.BigInteger.class});

    assertThat(back)
        .containsExactly(new java.math.BigDecimal("1.5"), java.math.BigInteger.valueOf(42));
  }

  /** A record whose text goes out as it is (Jackson's raw value). */
  record RawText(@com.fasterxml.jackson.annotation.JsonRawValue String text) {}

  @Test
  void messagePackRefusesARawValueWithALoneSurrogateToo() {
    assertThatThrownBy(
            () ->
                serializer("msgpack")
                    .write(
                        new ByteArrayOutputStream(),
                        new Object[] {new RawText("x\uD83D")},
                        new Type[] {RawText.class}))
        .isInstanceOf(WitSerializationException.class)
        .hasMessageContaining("a lone surrogate (U+D83D) at index 1");
  }

  /** Valid text goes out as msgpack-java's own factory writes it: the same bytes on the wire. */
  @Test
  void messagePackWritesTheSameBytesAsMsgpackJavasOwnFactory() throws Exception {
    Serializer own =
        Serializers.messagePack(
            Serializers.configure(
                new com.fasterxml.jackson.databind.ObjectMapper(
                    new org.msgpack.jackson.dataformat.MessagePackFactory())));
    Type[] types = genericTypes();
    String text = "\uD83D\uDE00 \u00e9 ascii";
    Object[] values = {
      List.of(new ComplexNumber<>(1, 2.5)),
      Map.of(text, new ComplexNumber<>(text, 3L)),
      Optional.of(text),
      List.of(text, "")
    };
    ByteArrayOutputStream ours = new ByteArrayOutputStream();
    ByteArrayOutputStream theirs = new ByteArrayOutputStream();
    serializer("msgpack").write(ours, values, types);
    own.write(theirs, values, types);
    assertThat(ours.toByteArray()).isEqualTo(theirs.toByteArray());
  }

  /**
   * An error's text is reported, not refused: a lone surrogate in it (one of its own, or one made
   * by cutting a long message between the two halves of a pair) arrives as U+FFFD, in both formats.
   */
  @ParameterizedTest
  @ValueSource(strings = {"json", "msgpack"})
  void anErrorBodyWithLoneSurrogatesIsWrittenWithReplacementCharacters(String name) {
    String cutInsideAPair = "m".repeat(ErrorBody.MAX_MESSAGE_CHARS - 1) + "\uD83D\uDE00";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new ErrorBody("a.B\uD800", cutInsideAPair, "at \uDC00").write(serializer(name), out);

    ErrorBody back = ErrorBody.read(serializer(name), ByteBuffer.wrap(out.toByteArray()));

    assertThat(back.className()).isEqualTo("a.B\uFFFD");
    assertThat(back.message())
        .startsWith("m".repeat(ErrorBody.MAX_MESSAGE_CHARS - 1) + "\uFFFD... (")
        .doesNotContain("\uD83D");
    assertThat(back.stackTrace()).isEqualTo("at \uFFFD");
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "msgpack"})
  void nullIsDistinctFromEmpty(String name) throws Exception {
    Type[] types = genericTypes();
    Object[] nulls = roundTrip(serializer(name), new Object[] {null, null, null, null}, types);
    assertThat(nulls[0]).isNull();
    assertThat(nulls[1]).isNull();
    assertThat(nulls[2]).isEqualTo(Optional.empty());
    Object[] empties =
        roundTrip(
            serializer(name),
            new Object[] {List.of(), Map.of(), Optional.empty(), List.of()},
            types);
    assertThat(empties).containsExactly(List.of(), Map.of(), Optional.empty(), List.of());
    Object[] strings =
        roundTrip(
            serializer(name), new Object[] {"", null}, new Type[] {String.class, String.class});
    assertThat(strings).containsExactly("", null);
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "msgpack"})
  void javaTimeRecordsEnumsAndBytes(String name) {
    OffsetDateTime odt = OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 6, ZoneOffset.ofHours(-7));
    Object[] values = {
      odt,
      Instant.ofEpochSecond(1, 2),
      LocalDate.of(2020, 2, 29),
      Duration.ofMillis(1500),
      Color.BLUE,
      new ComplexNumber<>("r", "i"),
      new byte[] {1, 2, 3},
      42,
      'c'
    };
    Type[] types = {
      OffsetDateTime.class,
      Instant.class,
      LocalDate.class,
      Duration.class,
      Color.class,
      ComplexNumber.class,
      byte[].class,
      int.class,
      char.class
    };
    Object[] back = roundTrip(serializer(name), values, types);
    assertThat(back[0]).isEqualTo(odt);
    assertThat(back).containsExactly(values);
  }

  /**
   * Every java.time value comes back equal: a region zone is kept (not only its offset), and a
   * duration keeps its nanoseconds in MessagePack too (which refused most such durations before).
   */
  @ParameterizedTest
  @ValueSource(strings = {"json", "msgpack"})
  void everyJavaTimeValueRoundTripsExactly(String name) {
    Object[] values = {
      java.time.ZonedDateTime.of(2024, 7, 1, 12, 0, 0, 0, java.time.ZoneId.of("Europe/Paris")),
      java.time.ZonedDateTime.of(2024, 7, 1, 12, 0, 0, 5, ZoneOffset.ofHours(3)),
      Duration.ofSeconds(31_536_000, 123_456_789),
      Duration.ofMillis(-1500),
      Duration.ZERO,
      Instant.ofEpochSecond(-5, 7),
      java.time.LocalDateTime.of(2020, 2, 29, 23, 59, 59, 999_999_999),
      java.time.Period.of(1, 2, 3),
      java.time.YearMonth.of(2024, 2),
      java.time.OffsetTime.of(1, 2, 3, 4, ZoneOffset.UTC)
    };
    Type[] types = new Type[values.length];
    for (int i = 0; i < values.length; i++) {
      types[i] = values[i].getClass();
    }
    assertThat(roundTrip(serializer(name), values, types)).containsExactly(values);
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "msgpack"})
  void wrongCountOrGarbageFailsClearly(String name) {
    Serializer s = serializer(name);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    s.write(out, new Object[] {1, 2}, new Type[] {int.class, int.class});
    ByteBuffer two = ByteBuffer.wrap(out.toByteArray());
    assertThatThrownBy(() -> s.read(two.duplicate(), new Type[] {int.class}))
        .isInstanceOf(WitSerializationException.class);
    assertThatThrownBy(() -> s.read(two.duplicate(), new Type[] {int.class, int.class, int.class}))
        .isInstanceOf(WitSerializationException.class);
    assertThatThrownBy(
            () -> s.read(ByteBuffer.wrap(new byte[] {(byte) 0xC1, 1, 2}), new Type[] {int.class}))
        .isInstanceOf(WitSerializationException.class);
    assertThatThrownBy(() -> s.read(two.duplicate(), new Type[] {ComplexNumber.class, int.class}))
        .isInstanceOf(WitSerializationException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "msgpack"})
  void nullForAPrimitiveIsRefused(String name) {
    Serializer s = serializer(name);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    s.write(out, new Object[] {null}, new Type[] {Integer.class});
    assertThatThrownBy(() -> s.read(ByteBuffer.wrap(out.toByteArray()), new Type[] {int.class}))
        .isInstanceOf(WitSerializationException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "msgpack"})
  void typeInformationComesFromTheDeclaredTypeNotTheWire(String name) {
    Serializer s = serializer(name);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    s.write(
        out, new Object[] {Map.of("@class", "java.lang.ProcessBuilder")}, new Type[] {Map.class});
    Object[] back = s.read(ByteBuffer.wrap(out.toByteArray()), new Type[] {Object.class});
    assertThat(back[0]).isInstanceOf(Map.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "msgpack"})
  void namesAreStable(String name) {
    assertThat(serializer(name).name()).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "msgpack"})
  void estimatedSizeCoversWhatIsCopiedIntoTheFrame(String name) {
    Serializer s = serializer(name);
    Object[] values = {new byte[1 << 20], "x".repeat(100_000), 42, null};
    Type[] types = {byte[].class, String.class, int.class, String.class};
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    s.write(out, values, types);

    // MessagePack appends a large byte[] to the frame by reference: no room needed for it
    int buffered = name.equals("msgpack") ? out.size() - (1 << 20) : out.size();
    assertThat(s.estimateSize(values, types)).isBetween(buffered, buffered + 256);
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "msgpack"})
  void readsABodyThatIsASliceOfALargerArray(String name) {
    Serializer s = serializer(name);
    byte[] payload = new byte[100_000];
    new java.util.Random(7).nextBytes(payload);
    Type[] types = {String.class, byte[].class};
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    s.write(out, new Object[] {"after a header", payload}, types);
    byte[] frame = new byte[16 + out.size() + 5];
    System.arraycopy(out.toByteArray(), 0, frame, 16, out.size());
    ByteBuffer body = ByteBuffer.wrap(frame, 16, out.size()).slice();

    Object[] back = s.read(body, types);

    assertThat(back[0]).isEqualTo("after a header");
    assertThat((byte[]) back[1]).isEqualTo(payload);
    assertThat(body.hasRemaining()).isFalse();
  }

  /**
   * A serializer used on a long-lived pool thread must not keep the last frame it wrote, or the
   * last large body it read, reachable from that thread: with frames of 16 MiB and a pool of 64
   * threads that was 2 GiB of heap that no GC could free.
   */
  @ParameterizedTest
  @ValueSource(strings = {"json", "msgpack"})
  void keepsNoFrameAliveAfterUse(String name) {
    Serializer s = serializer(name);
    Type[] types = {String.class}; // goes through Jackson's generator and parser
    FrameBuffer out = new FrameBuffer();
    s.write(out, new Object[] {"x".repeat(1 << 20)}, types);
    ByteBuffer frame = out.finish(MessageType.REQUEST, 0, 0, 1);
    out = null;
    s.read(frame.position(EnvelopeCodec.HEADER_SIZE).slice(), types);
    byte[] whole = new byte[frame.limit() - EnvelopeCodec.HEADER_SIZE];
    frame.position(EnvelopeCodec.HEADER_SIZE).get(whole);
    s.read(ByteBuffer.wrap(whole), types);
    WeakReference<Object> written = new WeakReference<>(frame.array());
    WeakReference<Object> read = new WeakReference<>(whole);
    frame = null;
    whole = null;

    assertThat(collected(written)).as("the frame written and read as a slice").isTrue();
    assertThat(collected(read)).as("the body read as a whole array").isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "msgpack"})
  void bytesAfterTheValuesAreRefused(String name) {
    Serializer s = serializer(name);
    Type[] types = {int.class};
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    s.write(out, new Object[] {7}, types);
    out.write(name.equals("json") ? '[' : 0x91);

    assertThatThrownBy(() -> s.read(ByteBuffer.wrap(out.toByteArray()), types))
        .isInstanceOf(WitSerializationException.class);
  }

  @Test
  void aMessagePackLengthIsNotBelievedBeforeTheBytesAreThere() {
    for (int type : new int[] {0xc6, 0xdb}) { // bin 32 and str 32, claiming 2 GiB - 1 bytes
      byte[] body = {(byte) 0x91, (byte) type, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2};
      Type[] types = {type == 0xc6 ? byte[].class : String.class};

      assertThatThrownBy(() -> Serializers.messagePack().read(ByteBuffer.wrap(body), types))
          .isInstanceOf(WitSerializationException.class)
          .hasMessageContaining("malformed");
    }
  }

  @Test
  void aFinishedFrameBufferCannotBeFinishedAgain() {
    FrameBuffer out = new FrameBuffer();
    out.write(1);
    assertThat(out.finish(MessageType.REQUEST, 0, 0, 1).remaining())
        .isEqualTo(EnvelopeCodec.HEADER_SIZE + 1);
    assertThatThrownBy(() -> out.finish(MessageType.REQUEST, 0, 0, 1))
        .isInstanceOf(IllegalStateException.class);
  }

  /** Whether a full GC clears {@code ref}, trying for up to ten seconds. */
  private static boolean collected(WeakReference<?> ref) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (ref.get() != null && System.nanoTime() < deadline) {
      System.gc();
      if (ref.get() != null) {
        Thread.onSpinWait();
      }
    }
    return ref.get() == null;
  }

  @Test
  void aCallersMapperMustWriteTheFormatItIsGivenFor() {
    com.fasterxml.jackson.databind.ObjectMapper msgpack =
        new com.fasterxml.jackson.databind.ObjectMapper(
            new org.msgpack.jackson.dataformat.MessagePackFactory());
    assertThatThrownBy(() -> Serializers.json(msgpack))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("json(mapper) needs a mapper that writes JSON, not msgpack");
    assertThatThrownBy(
            () -> Serializers.messagePack(new com.fasterxml.jackson.databind.ObjectMapper()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Serializers.json(new com.fasterxml.jackson.databind.ObjectMapper()).name())
        .isEqualTo("json");
    assertThat(Serializers.messagePack(msgpack).name()).isEqualTo("msgpack");
  }
}
