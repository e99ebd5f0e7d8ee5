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

  /** A REQUEST whose body is {@code bodyBytes} pseudo-random bytes. */
  static byte[] largeRequest(long id, int bodyBytes) {
    byte[] body = new byte[bodyBytes];
    new java.util.Random(bodyBytes).nextBytes(body);
    FrameBuffer fb = new FrameBuffer();
    fb.write(body, 0, body.length);
    return copy(fb.finish(MessageType.REQUEST, 0, 0, id));
  }

  /** The frame sealed by one JCA call over the whole body: what the wire format defines. */
  static byte[] sealedInOneCall(byte[] key, long counter, byte[] plain) throws Exception {
    byte[] header = Arrays.copyOf(plain, EnvelopeCodec.HEADER_SIZE);
    ByteBuffer.wrap(header).putInt(12, plain.length - header.length + FrameCipher.TAG_SIZE);
    byte[] nonce = new byte[FrameCipher.NONCE_SIZE];
    ByteBuffer.wrap(nonce).putLong(4, counter);
    javax.crypto.Cipher gcm = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
    gcm.init(
        javax.crypto.Cipher.ENCRYPT_MODE,
        new javax.crypto.spec.SecretKeySpec(key, "AES"),
        new javax.crypto.spec.GCMParameterSpec(128, nonce));
    gcm.updateAAD(header);
    byte[] sealedBody = gcm.doFinal(plain, header.length, plain.length - header.length);
    byte[] sealed = Arrays.copyOf(header, header.length + sealedBody.length);
    System.arraycopy(sealedBody, 0, sealed, header.length, sealedBody.length);
    return sealed;
  }

  /**
   * A body above {@link FrameCipher#CHUNKED_ABOVE} is sealed and opened in pieces: the sealed bytes
   * are those of one GCM call over the whole body (so either side may be the other implementation),
   * and it opens back to the plain frame, for sizes around the threshold and the piece size, parts
   * split anywhere.
   */
  @Test
  void aLargeBodyIsSealedAndOpenedInPiecesAsOneGcmCallWouldBe() throws Exception {
    Direction d = Direction.random();
    FrameCipher reference = d.freshOpener(); // opens what the one-call reference sealed
    int[] sizes = {
      FrameCipher.CHUNKED_ABOVE,
      FrameCipher.CHUNKED_ABOVE + 1,
      FrameCipher.CHUNKED_ABOVE + FrameCipher.CHUNK + 15,
      FrameCipher.CHUNKED_ABOVE + 16,
      5 * FrameCipher.CHUNK,
      (1 << 20) + 7
    };
    long counter = 0;
    for (int size : sizes) {
      byte[] plain = largeRequest(size, size);
      byte[] expected = sealedInOneCall(d.key(), counter, plain);
      ByteBuffer[] parts = {
        ByteBuffer.wrap(plain, 0, 7),
        ByteBuffer.wrap(plain, 7, 30_001).slice(), // a part whose array starts elsewhere
        ByteBuffer.wrap(plain, 30_008, plain.length - 30_008)
      };
      assertThat(copy(d.sealer().seal(parts))).as("sealed, %d bytes", size).isEqualTo(expected);
      assertThat(copy(d.opener().open(ByteBuffer.wrap(expected.clone()))))
          .as("opened, %d bytes", size)
          .isEqualTo(plain);
      assertThat(copy(reference.open(ByteBuffer.wrap(sealedInOneCall(d.key(), counter, plain)))))
          .isEqualTo(plain);
      counter++;
    }
  }

  /**
   * A large frame opened in pieces is refused as a small one is: a flipped bit anywhere (header,
   * first and last piece, tag), a replay, the other direction's frame, a cut tail.
   */
  @Test
  void aTamperedLargeFrameIsRefused() {
    int size = FrameCipher.CHUNKED_ABOVE + FrameCipher.CHUNK + 5;
    byte[] plain = largeRequest(1, size);
    int sealedLength = plain.length + FrameCipher.TAG_SIZE;
    // the header (AAD; byte 13 is its length field), first and last body byte, a piece boundary,
    // the tag's first, middle and last byte
    int[] bytes = {
      3,
      13,
      16,
      17,
      16 + FrameCipher.CHUNK,
      sealedLength - 17,
      sealedLength - 16,
      sealedLength - 8,
      sealedLength - 1
    };
    for (int at : bytes) {
      Direction d = Direction.random();
      byte[] sealed = copy(d.sealer().seal(ByteBuffer.wrap(plain)));
      sealed[at] ^= 0x20;
      assertThatThrownBy(() -> d.opener().open(ByteBuffer.wrap(sealed)))
          .as("byte %d flipped", at)
          .isInstanceOf(WitSecurityException.class);
    }
    Pair p = new Pair();
    byte[] first = copy(p.clientSealer.seal(ByteBuffer.wrap(plain)));
    assertThat(copy(p.serverOpener.open(ByteBuffer.wrap(first.clone())))).isEqualTo(plain);
    assertThatThrownBy(() -> p.serverOpener.open(ByteBuffer.wrap(first)))
        .as("replayed")
        .isInstanceOf(WitSecurityException.class)
        .hasMessageContaining("authentication failed");
    byte[] next = copy(p.clientSealer.seal(ByteBuffer.wrap(plain)));
    assertThatThrownBy(() -> p.clientOpener.open(ByteBuffer.wrap(next)))
        .as("the other direction")
        .isInstanceOf(WitSecurityException.class);
    byte[] cut = Arrays.copyOf(next, next.length - 1);
    assertThatThrownBy(() -> new Pair().serverOpener.open(ByteBuffer.wrap(cut)))
        .isInstanceOf(WitSecurityException.class);
  }

  /**
   * A large frame that fails to open leaves no plaintext behind (its body is decrypted in place
   * before the tag is checked, so the body is zeroed), and the next frame opens.
   */
  @Test
  void aLargeFrameThatFailsLeavesNoPlaintextAndTheNextOneOpens() {
    Direction d = Direction.random();
    byte[] plain = largeRequest(5, 5 * FrameCipher.CHUNK + 3);
    byte[] first = copy(d.sealer().seal(ByteBuffer.wrap(plain)));
    byte[] second = copy(d.sealer().seal(ByteBuffer.wrap(plain)));
    first[first.length - 3] ^= 1; // the tag: only the tag comparison sees it

    assertThatThrownBy(() -> d.opener().open(ByteBuffer.wrap(first)))
        .isInstanceOf(WitSecurityException.class)
        .hasMessageContaining("authentication failed");
    byte[] body = Arrays.copyOfRange(first, 16, first.length - FrameCipher.TAG_SIZE);
    assertThat(body).as("the body after the failure").containsOnly((byte) 0);
    assertThat(copy(d.opener().open(ByteBuffer.wrap(second)))).isEqualTo(plain);
  }

  /**
   * A large frame at a position and an array offset other than 0 opens in place: the plain frame is
   * in the same array, from the same place, as the old one-call path returned it.
   */
  @Test
  void aLargeFrameOpensInPlaceWhereverItLiesInItsArray() {
    Direction d = Direction.random();
    byte[] plain = largeRequest(6, FrameCipher.CHUNKED_ABOVE + 100);
    byte[] sealed = copy(d.sealer().seal(ByteBuffer.wrap(plain)));
    byte[] array = new byte[sealed.length + 30];
    System.arraycopy(sealed, 0, array, 20, sealed.length);
    ByteBuffer frame = ByteBuffer.wrap(array, 10, sealed.length + 10).slice().position(10);

    ByteBuffer opened = d.opener().open(frame);

    assertThat(opened.array()).isSameAs(array);
    assertThat(opened.arrayOffset() + opened.position()).isEqualTo(20);
    assertThat(opened.remaining()).isEqualTo(plain.length);
    assertThat(copy(opened)).isEqualTo(plain);
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
