package org.witrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.witrpc.Serializers;
import org.witrpc.WitException;
import org.witrpc.WitSecurityException;
import org.witrpc.WitTransportException;

/**
 * Fuzzes the decoders that see a peer's bytes first: the envelope codec, the handshake bodies, the
 * encrypted-frame decoder and the serializers (bodies nested around and far beyond the nesting
 * limit). Each input must end in a result or a clear {@link WitException}, never in an
 * index-out-of-bounds, an OutOfMemoryError or a hang. Tries per property: {@code
 * jqwik.tries.default} (junit-platform.properties; raise it for a long campaign).
 */
class HostileInputFuzzTest {
  @Provide
  Arbitrary<byte[]> frames() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(80);
    Arbitrary<byte[]> valid =
        Arbitraries.strings()
            .ofMaxLength(40)
            .map(s -> FrameCipherTest.copy(FrameCipherTest.request(s.length(), s)));
    return Arbitraries.oneOf(random, valid, valid.flatMap(HostileInputFuzzTest::mutate));
  }

  /** {@code bytes} (at least 4 of them) with one bit flipped. */
  static Arbitrary<byte[]> bitFlips(byte[] bytes) {
    return Arbitraries.integers()
        .between(0, bytes.length * 8 - 1)
        .map(
            bit -> {
              byte[] b = bytes.clone();
              b[bit / 8] ^= (byte) (1 << (bit % 8));
              return b;
            });
  }

  /** Bit flips, truncation, extension, or a lying length / type field. */
  static Arbitrary<byte[]> mutate(byte[] frame) {
    Arbitrary<byte[]> flip = bitFlips(frame);
    Arbitrary<byte[]> cut =
        Arbitraries.integers().between(0, frame.length).map(n -> Arrays.copyOf(frame, n));
    Arbitrary<byte[]> grow =
        Arbitraries.integers().between(1, 64).map(n -> Arrays.copyOf(frame, frame.length + n));
    Arbitrary<byte[]> length =
        Arbitraries.oneOf(
                Arbitraries.integers(),
                Arbitraries.of(Integer.MAX_VALUE, Integer.MIN_VALUE, -1, -16, 1 << 30))
            .map(
                n -> {
                  byte[] b = frame.clone();
                  ByteBuffer.wrap(b).putInt(12, n);
                  return b;
                });
    Arbitrary<byte[]> type =
        Arbitraries.integers()
            .between(0, 255)
            .map(
                t -> {
                  byte[] b = frame.clone();
                  b[0] = (byte) (int) t;
                  return b;
                });
    return Arbitraries.oneOf(flip, cut, grow, length, type);
  }

  @Property
  void envelopeDecodeEndsInAnEnvelopeOrAClearError(@ForAll("frames") byte[] frame) {
    try {
      Envelope env = EnvelopeCodec.decode(ByteBuffer.wrap(frame));
      assertThat(env.body().remaining()).isEqualTo(frame.length - EnvelopeCodec.HEADER_SIZE);
    } catch (WitTransportException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  @Property
  void handshakeBodiesEndInAValueOrAClearError(@ForAll @Size(max = 80) byte[] body) {
    expectValueOrWitException(() -> Handshake.readHello(ByteBuffer.wrap(body)));
    expectValueOrWitException(() -> Handshake.readAuth(ByteBuffer.wrap(body)));
    expectValueOrWitException(() -> Handshake.readGoodbye(ByteBuffer.wrap(body)));
    expectValueOrWitException(() -> Handshake.readPublicKey(ByteBuffer.wrap(body)));
    expectValueOrWitException(() -> Route.read(ByteBuffer.wrap(body)));
  }

  @Provide
  Arbitrary<byte[]> metadataBlocks() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(80);
    Arbitrary<byte[]> valid = metadataMaps().map(HostileInputFuzzTest::metadataBlock);
    Arbitrary<byte[]> mutated = valid.flatMap(HostileInputFuzzTest::bitFlips);
    Arbitrary<byte[]> cut =
        valid.flatMap(
            block ->
                Arbitraries.integers().between(0, block.length).map(n -> Arrays.copyOf(block, n)));
    return Arbitraries.oneOf(random, valid, mutated, cut);
  }

  @Provide
  Arbitrary<java.util.Map<String, String>> metadataMaps() {
    net.jqwik.api.arbitraries.StringArbitrary text =
        Arbitraries.strings().withCharRange(' ', '~').withCharRange('\u00e0', '\u00ff');
    return Arbitraries.maps(text.ofMinLength(1).ofMaxLength(20), text.ofMaxLength(30)).ofMaxSize(4);
  }

  /** The block as a REQUEST carries it: length field and entries. */
  static byte[] metadataBlock(java.util.Map<String, String> entries) {
    org.witrpc.Metadata m = org.witrpc.Metadata.empty();
    for (var e : entries.entrySet()) {
      m = m.with(e.getKey(), e.getValue());
    }
    byte[] encoded = CallMetadata.encode(m);
    FrameBuffer fb = new FrameBuffer();
    CallMetadata.write(fb, encoded);
    ByteBuffer frame = fb.finish(MessageType.REQUEST, 0, 0, 0);
    return Arrays.copyOfRange(frame.array(), EnvelopeCodec.HEADER_SIZE, frame.limit());
  }

  @Property
  void metadataBlocksEndInMetadataWithinTheirBoundOrAClearError(
      @ForAll("metadataBlocks") byte[] block, @ForAll @IntRange(min = 0, max = 100) int limit) {
    ByteBuffer body = ByteBuffer.wrap(block);
    try {
      org.witrpc.Metadata m = CallMetadata.read(body, limit);
      // what was read fits in the bound and was within the block: nothing beyond it allocated
      assertThat(body.position()).isLessThanOrEqualTo(4 + limit);
      for (String key : m.keys()) {
        assertThat(key).isNotEmpty();
      }
    } catch (WitException expected) {
      assertThat(expected.getMessage()).contains("metadata");
    }
  }

  /** Skipping a block (a look at what follows it) ends where reading it would, or fails first. */
  @Property
  void skippingMetadataEndsWhereReadingEnds(
      @ForAll("metadataBlocks") byte[] block, @ForAll @IntRange(min = 0, max = 100) int limit) {
    ByteBuffer read = ByteBuffer.wrap(block);
    ByteBuffer skipped = ByteBuffer.wrap(block);
    boolean readFailed = false;
    try {
      CallMetadata.read(read, limit);
    } catch (WitException e) {
      readFailed = true;
    }
    try {
      CallMetadata.skip(skipped, limit);
      assertThat(skipped.position()).isLessThanOrEqualTo(block.length);
      if (!readFailed) {
        assertThat(skipped.position()).isEqualTo(read.position());
      }
    } catch (WitException expected) {
      assertThat(readFailed).as("skip failed where read did not").isTrue();
      assertThat(expected.getMessage()).contains("metadata");
    }
  }

  @Property
  void validMetadataRoundTrips(@ForAll("metadataMaps") java.util.Map<String, String> entries) {
    byte[] block = metadataBlock(entries);
    org.witrpc.Metadata m = CallMetadata.read(ByteBuffer.wrap(block), 1 << 20);
    assertThat(m.keys()).containsExactlyInAnyOrderElementsOf(entries.keySet());
    entries.forEach((k, v) -> assertThat(m.get(k)).isEqualTo(v));
  }

  @Property
  void randomBytesNeverOpenAsAnEncryptedFrame(@ForAll("frames") byte[] frame) {
    FrameCipher opener = FrameCipherTest.Direction.random().opener();
    assertThatThrownBy(() -> opener.open(ByteBuffer.wrap(frame)))
        .isInstanceOf(WitSecurityException.class);
  }

  /** A freshly sealed frame, its keys, and a mutation of it. */
  record Tampered(FrameCipherTest.Direction keys, byte[] sealed, byte[] mutated) {}

  @Provide
  Arbitrary<Tampered> tampered() {
    return Arbitraries.bytes()
        .array(byte[].class)
        .ofMaxSize(200)
        .flatMap(
            body -> {
              FrameCipherTest.Direction keys = FrameCipherTest.Direction.random();
              FrameBuffer fb = new FrameBuffer();
              fb.write(body, 0, body.length);
              byte[] sealed =
                  FrameCipherTest.copy(keys.sealer().seal(fb.finish(MessageType.REQUEST, 0, 0, 1)));
              return mutate(sealed).map(m -> new Tampered(keys, sealed, m));
            });
  }

  @Property
  void aMutatedSealedFrameNeverOpens(@ForAll("tampered") Tampered t) {
    // a fresh opener per try: the generated cases of one body share a key
    FrameCipher opener = t.keys().freshOpener();
    if (Arrays.equals(t.mutated(), t.sealed())) {
      assertThat(opener.open(ByteBuffer.wrap(t.mutated())).remaining())
          .isEqualTo(t.sealed().length - FrameCipher.TAG_SIZE);
      return;
    }
    assertThatThrownBy(() -> opener.open(ByteBuffer.wrap(t.mutated())))
        .isInstanceOf(WitSecurityException.class);
  }

  @Property
  void aSealedFrameWithOneChangedByteNeverOpens(
      @ForAll @Size(max = 64) byte[] body,
      @ForAll @IntRange(min = 0, max = 10_000) int position,
      @ForAll @IntRange(min = 1, max = 255) int delta) {
    FrameCipherTest.Direction p = FrameCipherTest.Direction.random();
    FrameBuffer fb = new FrameBuffer();
    fb.write(body, 0, body.length);
    byte[] sealed = FrameCipherTest.copy(p.sealer().seal(fb.finish(MessageType.REQUEST, 0, 0, 7)));
    int at = position % sealed.length;
    sealed[at] = (byte) (sealed[at] + delta);
    assertThatThrownBy(() -> p.opener().open(ByteBuffer.wrap(sealed)))
        .isInstanceOf(WitSecurityException.class);
  }

  /** A body of nested arrays and maps, around and beyond the nesting limit, possibly cut short. */
  @Provide
  Arbitrary<Integer> depths() {
    return Arbitraries.oneOf(
        Arbitraries.integers().between(0, 1100),
        Arbitraries.of(998, 999, 1000, 1001, 20_000, 100_000));
  }

  @Provide
  Arbitrary<byte[]> nestedMessagePack() {
    return Arbitraries.longs()
        .flatMap(
            seed ->
                depths()
                    .flatMap(
                        d ->
                            Arbitraries.integers()
                                .between(0, 8)
                                .map(cut -> nestedMessagePack(seed, d, cut))));
  }

  /** {@code depth} containers of kinds chosen by {@code seed}; {@code cut} bytes removed. */
  static byte[] nestedMessagePack(long seed, int depth, int cut) {
    java.util.Random random = new java.util.Random(seed);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x91);
    for (int i = 0; i < depth; i++) {
      switch (random.nextInt(4)) {
        case 0 -> out.write(0x91); // array of one
        case 1 -> out.writeBytes(new byte[] {(byte) 0xdc, 0, 1}); // array16 of one
        case 2 -> { // map of one: "next" -> ...
          out.write(0x81);
          out.write(0xa4);
          out.writeBytes("next".getBytes(StandardCharsets.US_ASCII));
        }
        default -> out.writeBytes(new byte[] {(byte) 0x92, 1}); // array of two: 1, ...
      }
    }
    out.write(0xc0);
    byte[] b = out.toByteArray();
    return Arrays.copyOf(b, Math.max(1, b.length - cut));
  }

  private static final List<Type[]> NESTED_TYPES =
      List.of(
          new Type[] {Object.class},
          new Type[] {NestingLimitTest.Node.class},
          new Type[] {List.class},
          new Type[] {byte[].class},
          new Type[] {byte[].class, Object.class});

  // fewer tries: each try decodes up to 100,000 levels five times
  @Property(tries = 500)
  void deeplyNestedMessagePackEndsInAValueOrAClearError(@ForAll("nestedMessagePack") byte[] body) {
    for (Type[] types : NESTED_TYPES) {
      expectValueOrWitException(() -> Serializers.messagePack().read(ByteBuffer.wrap(body), types));
    }
  }

  @Property(tries = 500)
  void deeplyNestedJsonEndsInAValueOrAClearError(
      @ForAll("depths") int depth, @ForAll boolean objects) {
    String open = objects ? "{\"next\":" : "[";
    String close = objects ? "}" : "]";
    byte[] body =
        ("[" + open.repeat(depth) + "null" + close.repeat(depth) + "]")
            .getBytes(StandardCharsets.UTF_8);
    for (Type[] types : NESTED_TYPES) {
      expectValueOrWitException(() -> Serializers.json().read(ByteBuffer.wrap(body), types));
    }
  }

  private static void expectValueOrWitException(Runnable r) {
    try {
      r.run();
    } catch (WitException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }
}
