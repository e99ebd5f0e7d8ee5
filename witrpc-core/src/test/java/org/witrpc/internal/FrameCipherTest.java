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
    p.serverOpener.open(ByteBuffer.wrap(first));
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
  void aLargeFramesSealingBufferIsNotKeptButASmallOneIsReused() {
    Direction d = Direction.random();
    ByteBuffer large = d.sealer().seal(request(1, "x".repeat(1 << 20)));
    assertThat(d.opener().open(large).remaining()).isEqualTo(EnvelopeCodec.HEADER_SIZE + (1 << 20));
    ByteBuffer small = d.sealer().seal(request(2, "small"));
    byte[] smallBuffer = small.array();
    assertThat(d.opener().open(small).remaining()).isEqualTo(EnvelopeCodec.HEADER_SIZE + 5);

    assertThat(large.array()).isNotSameAs(smallBuffer);
    assertThat(d.sealer().seal(request(3, "again")).array()).isSameAs(smallBuffer);
    assertThat(large.array().length).isGreaterThan(1 << 20);
  }
}
