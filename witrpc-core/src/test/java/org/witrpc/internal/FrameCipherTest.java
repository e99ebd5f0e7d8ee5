package org.witrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.witrpc.WitSecurityException;

/** AES-256-GCM frames: round trips, and every kind of tampering is refused. */
class FrameCipherTest {

  /** A client-side and a server-side cipher pair made by a real key agreement. */
  static final class Pair {
    final FrameCipher clientSealer;
    final FrameCipher clientOpener;
    final FrameCipher serverSealer;
    final FrameCipher serverOpener;

    Pair() {
      KeyExchange client = KeyExchange.generate();
      KeyExchange server = KeyExchange.generate();
      byte[] transcript = new HandshakeTranscript().add(ByteBuffer.wrap(new byte[] {1})).hash();
      SessionKeys c = SessionKeys.derive(client.agree(server.publicKey()), transcript.clone());
      SessionKeys s = SessionKeys.derive(server.agree(client.publicKey()), transcript.clone());
      clientSealer = c.sealer(true);
      clientOpener = c.opener(true);
      serverSealer = s.sealer(false);
      serverOpener = s.opener(false);
    }
  }

  /** A sealer and an opener for one direction with a random key (cheap: no key agreement). */
  record Direction(byte[] key, FrameCipher sealer, FrameCipher opener) {
    static Direction random() {
      byte[] key = new byte[SessionKeys.KEY_SIZE];
      new java.util.Random().nextBytes(key);
      return new Direction(key, new FrameCipher(key, true), new FrameCipher(key, false));
    }

    FrameCipher freshOpener() {
      return new FrameCipher(key, false);
    }
  }

  static ByteBuffer request(long id, String text) {
    FrameBuffer fb = new FrameBuffer();
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    fb.write(b, 0, b.length);
    return fb.finish(MessageType.REQUEST, 0, 0, id);
  }

  static byte[] copy(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  @Test
  void sealedFramesOpenInOrderAndHideTheBody() {
    Pair p = new Pair();
    for (int i = 0; i < 5; i++) {
      ByteBuffer plain = request(i, "secret payload " + i);
      byte[] expected = copy(plain);
      byte[] sealed = copy(p.clientSealer.seal(plain));
      assertThat(sealed).hasSize(expected.length + FrameCipher.TAG_SIZE);
      assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("secret");
      Envelope env = EnvelopeCodec.decode(ByteBuffer.wrap(sealed));
      assertThat(env.correlationId()).isEqualTo(i);
      assertThat(copy(p.serverOpener.open(ByteBuffer.wrap(sealed)))).isEqualTo(expected);
    }
    assertThat(p.clientSealer.counter()).isEqualTo(5);
  }

  @Test
  void aFrameInSeveralPartsSealsLikeOneBuffer() {
    Pair p = new Pair();
    byte[] whole = copy(request(3, "parts"));
    ByteBuffer sealed =
        p.serverSealer.seal(
            ByteBuffer.wrap(whole, 0, 10),
            ByteBuffer.wrap(whole, 10, 9),
            ByteBuffer.wrap(whole, 19, whole.length - 19));
    assertThat(copy(p.clientOpener.open(sealed))).isEqualTo(whole);
  }

  @Test
  void everyFlippedBitIsDetected() {
    byte[] plain = copy(request(9, "flip me"));
    for (int bit = 0; bit < (plain.length + FrameCipher.TAG_SIZE) * 8; bit++) {
      Pair p = new Pair();
      byte[] sealed = copy(p.clientSealer.seal(ByteBuffer.wrap(plain)));
      sealed[bit / 8] ^= (byte) (1 << (bit % 8));
      assertThatThrownBy(() -> p.serverOpener.open(ByteBuffer.wrap(sealed)))
          .as("bit %d", bit)
          .isInstanceOf(WitSecurityException.class);
    }
  }

  @Test
  void replayedReorderedAndTruncatedFramesAreRefused() {
    Pair p = new Pair();
    byte[] first = copy(p.clientSealer.seal(request(1, "one")));
    byte[] second = copy(p.clientSealer.seal(request(2, "two")));
    p.serverOpener.open(ByteBuffer.wrap(first.clone())); // opened in place: replay the original
    assertThatThrownBy(() -> p.serverOpener.open(ByteBuffer.wrap(first)))
        .isInstanceOf(WitSecurityException.class)
        .hasMessageContaining("authentication failed");

    Pair q = new Pair();
    q.clientSealer.seal(request(1, "one"));
    byte[] later = copy(q.clientSealer.seal(request(2, "two")));
    assertThatThrownBy(() -> q.serverOpener.open(ByteBuffer.wrap(later)))
        .isInstanceOf(WitSecurityException.class);

    Pair r = new Pair();
    byte[] cut = Arrays.copyOf(copy(r.clientSealer.seal(request(1, "x"))), 20);
    assertThatThrownBy(() -> r.serverOpener.open(ByteBuffer.wrap(cut)))
        .isInstanceOf(WitSecurityException.class)
        .hasMessageContaining("truncated");
    byte[] shortened = Arrays.copyOf(second, second.length - 1);
    assertThatThrownBy(() -> new Pair().serverOpener.open(ByteBuffer.wrap(shortened)))
        .isInstanceOf(WitSecurityException.class);
  }

  @Test
  void aFrameForTheOtherDirectionIsRefused() {
    Pair p = new Pair();
    byte[] fromClient = copy(p.clientSealer.seal(request(1, "reflected")));
    assertThatThrownBy(() -> p.clientOpener.open(ByteBuffer.wrap(fromClient)))
        .isInstanceOf(WitSecurityException.class);
  }

  @Test
  void theCounterStopsAtItsLimit() {
    byte[] key = new byte[SessionKeys.KEY_SIZE];
    FrameCipher sealer = new FrameCipher(key, true, 2);
    FrameCipher opener = new FrameCipher(key, false, 2);
    opener.open(sealer.seal(request(1, "a")));
    opener.open(sealer.seal(request(2, "b")));
    assertThatThrownBy(() -> sealer.seal(request(3, "c")))
        .isInstanceOf(WitSecurityException.class)
        .hasMessageContaining("nonce counter exhausted");
  }

  @Test
  void differentTranscriptsGiveDifferentKeys() {
    KeyExchange a = KeyExchange.generate();
    KeyExchange b = KeyExchange.generate();
    SessionKeys one = SessionKeys.derive(a.agree(b.publicKey()), new byte[32]);
    byte[] other = new byte[32];
    other[0] = 1;
    SessionKeys two = SessionKeys.derive(b.agree(a.publicKey()), other);
    byte[] sealed = copy(one.sealer(true).seal(request(1, "x")));
    assertThatThrownBy(() -> two.opener(false).open(ByteBuffer.wrap(sealed)))
        .isInstanceOf(WitSecurityException.class);
  }

  @Test
  void lowOrderAndMalformedPublicKeysAreRefused() {
    KeyExchange kx = KeyExchange.generate();
    assertThatThrownBy(() -> kx.agree(new byte[32]))
        .isInstanceOf(WitSecurityException.class)
        .hasMessageContaining("low-order");
    assertThatThrownBy(() -> kx.agree(new byte[31]))
        .isInstanceOf(WitSecurityException.class)
        .hasMessageContaining("31 bytes");
  }

  @Test
  void aSmallSealingBufferIsKeptAndALargeOneIsKeptForTheNextLargeFrame() {
    Direction d = Direction.random();
    ByteBuffer large = d.sealer().seal(request(1, "x".repeat(1 << 20)));
    byte[] largeBuffer = large.array();
    assertThat(d.opener().open(large).remaining()).isEqualTo(EnvelopeCodec.HEADER_SIZE + (1 << 20));
    ByteBuffer small = d.sealer().seal(request(2, "small"));
    byte[] smallBuffer = small.array();
    assertThat(d.opener().open(small).remaining()).isEqualTo(EnvelopeCodec.HEADER_SIZE + 5);

    assertThat(largeBuffer).isNotSameAs(smallBuffer);
    ByteBuffer again = d.sealer().seal(request(3, "again"));
    assertThat(again.array()).isSameAs(smallBuffer);
    d.opener().open(again); // keeps the opener's nonce in step
    ByteBuffer nextLarge = d.sealer().seal(request(4, "y".repeat((1 << 20) - 7)));
    assertThat(nextLarge.array()).isSameAs(largeBuffer); // reused while memory allows
    assertThat(copy(d.opener().open(nextLarge)))
        .isEqualTo(copy(request(4, "y".repeat((1 << 20) - 7))));
  }

  @Test
  void aFrameIsOpenedInPlace() {
    Direction d = Direction.random();
    byte[] sealed = copy(d.sealer().seal(request(5, "in place")));
    ByteBuffer frame = ByteBuffer.wrap(sealed);
    ByteBuffer plain = d.opener().open(frame);
    assertThat(plain.array()).isSameAs(sealed);
    assertThat(copy(plain)).isEqualTo(copy(request(5, "in place")));
  }

  @Test
  void aFrameInAReadOnlyOrDirectBufferIsOpenedIntoANewOneAndLeftAlone() {
    Direction d = Direction.random();
    byte[] first = copy(d.sealer().seal(request(6, "read-only")));
    ByteBuffer readOnly = ByteBuffer.wrap(first.clone()).asReadOnlyBuffer();
    assertThat(copy(d.opener().open(readOnly))).isEqualTo(copy(request(6, "read-only")));
    assertThat(copy(readOnly)).isEqualTo(first);

    byte[] second = copy(d.sealer().seal(request(7, "direct")));
    ByteBuffer direct = ByteBuffer.allocateDirect(second.length).put(second).flip();
    assertThat(copy(d.opener().open(direct))).isEqualTo(copy(request(7, "direct")));
    assertThat(copy(direct)).isEqualTo(second);
  }

  @Test
  void framesAroundBlockAndBufferBoundariesRoundTripInPlaceAndATamperedByteAnywhereFails() {
    int kept = 64 << 10;
    int[] bodies = {0, 1, 15, 16, 17, 31, 32, 33, 4095, 4096, 4097};
    int[] nearKept = {-17, -16, -15, -1, 0, 1, 15, 16, 17};
    java.util.List<Integer> sizes = new java.util.ArrayList<>();
    for (int b : bodies) {
      sizes.add(b);
    }
    for (int delta : nearKept) {
      // sealed = header + body + tag around the strongly kept buffer's size
      sizes.add(kept - EnvelopeCodec.HEADER_SIZE - FrameCipher.TAG_SIZE + delta);
    }
    sizes.add(3 << 20);
    java.util.Random random = new java.util.Random(42);
    for (int size : sizes) {
      Direction d = Direction.random();
      byte[] body = new byte[size];
      random.nextBytes(body);
      FrameBuffer fb = new FrameBuffer();
      fb.write(body, 0, body.length);
      byte[] plain = copy(fb.finish(MessageType.RESPONSE, 0, 0, size));
      for (int round = 0; round < 2; round++) {
        byte[] sealed = copy(d.sealer().seal(ByteBuffer.wrap(plain)));
        assertThat(sealed).as("size %d", size).hasSize(plain.length + FrameCipher.TAG_SIZE);
        assertThat(copy(d.opener().open(ByteBuffer.wrap(sealed))))
            .as("size %d", size)
            .isEqualTo(plain);
      }
      for (int at : new int[] {0, 12, EnvelopeCodec.HEADER_SIZE, plain.length / 2, plain.length}) {
        // a fresh pair per tampered frame, both at nonce 0
        Direction fresh = Direction.random();
        byte[] tampered = copy(fresh.sealer().seal(ByteBuffer.wrap(plain)));
        tampered[Math.min(at, tampered.length - 1)] ^= 0x40;
        assertThatThrownBy(() -> fresh.opener().open(ByteBuffer.wrap(tampered)))
            .as("size %d, byte %d", size, at)
            .isInstanceOf(WitSecurityException.class);
      }
    }
  }
}
