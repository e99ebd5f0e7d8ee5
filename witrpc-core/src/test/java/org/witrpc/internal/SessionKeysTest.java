package org.witrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.witrpc.WitSecurityException;
import org.witrpc.WitTransportException;

/**
 * The key schedule with and without token binding (docs/PROTOCOL.md, "Encryption"): known answers
 * computed independently (Python's hmac/hashlib), and keys that differ whenever the token, the
 * transcript or the shared secret differ.
 */
class SessionKeysTest {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] range(int from) {
    byte[] b = new byte[32];
    for (int i = 0; i < 32; i++) {
      b[i] = (byte) (from + i);
    }
    return b;
  }

  /** The frame {@code key} seals first (nonce 0): equal frames mean equal keys. */
  private static byte[] sealedBy(FrameCipher sealer) {
    return FrameCipherTest.copy(sealer.seal(FrameCipherTest.request(1, "probe")));
  }

  private static byte[] sealedWithKey(String hexKey) {
    return sealedBy(new FrameCipher(HEX.parseHex(hexKey), true));
  }

  @Test
  void tokenBindingIsHmacSha256OfTheLabelKeyedWithTheToken() {
    assertThat(HEX.formatHex(SessionKeys.tokenBinding("tøken-1")))
        .isEqualTo("31632972bb81ece95faef10091dce0b3a39869451a402ebcbd7127a709d739bd");
  }

  @Test
  void boundKeysMatchTheDocumentedSchedule() {
    byte[] z = range(1);
    byte[] t = range(101);
    byte[] b = SessionKeys.tokenBinding("tøken-1");
    SessionKeys keys = SessionKeys.deriveBound(z.clone(), t, b);
    assertThat(sealedBy(keys.sealer(true)))
        .isEqualTo(
            sealedWithKey("c4a0db06bc05277eab617c2de997cbd591551aeb061bcae9d5574da10df4be2d"));
    assertThat(sealedBy(keys.sealer(false)))
        .isEqualTo(
            sealedWithKey("d6b556f46578cac2aae1117499f2a3e7079ec986cd9c266bb6e803de08d771b7"));
  }

  @Test
  void unboundKeysAreUnchanged() {
    SessionKeys keys = SessionKeys.derive(range(1), range(101));
    assertThat(sealedBy(keys.sealer(true)))
        .isEqualTo(
            sealedWithKey("cf3a10778d4acc72e7a4801075f142a19c3732c653e2ebabc253bd2dad611352"));
  }

  @Test
  void theSameTokenOnBothSidesGivesMatchingKeys() {
    KeyExchange client = KeyExchange.generate();
    KeyExchange server = KeyExchange.generate();
    byte[] t = range(7);
    byte[] b = SessionKeys.tokenBinding("secret-token");
    SessionKeys c = SessionKeys.deriveBound(client.agree(server.publicKey()), t, b);
    SessionKeys s = SessionKeys.deriveBound(server.agree(client.publicKey()), t, b);
    ByteBuffer opened = s.opener(false).open(ByteBuffer.wrap(sealedBy(c.sealer(true))));
    assertThat(opened.remaining()).isPositive();
    ByteBuffer back = c.opener(true).open(ByteBuffer.wrap(sealedBy(s.sealer(false))));
    assertThat(back.remaining()).isPositive();
  }

  @Test
  void aWrongTokenGivesKeysThatFailAuthenticationBothWays() {
    KeyExchange client = KeyExchange.generate();
    KeyExchange server = KeyExchange.generate();
    byte[] t = range(7);
    SessionKeys c =
        SessionKeys.deriveBound(
            client.agree(server.publicKey()), t, SessionKeys.tokenBinding("right-token"));
    SessionKeys s =
        SessionKeys.deriveBound(
            server.agree(client.publicKey()), t, SessionKeys.tokenBinding("wrong-token"));
    assertThatThrownBy(() -> s.opener(false).open(ByteBuffer.wrap(sealedBy(c.sealer(true)))))
        .isInstanceOf(WitSecurityException.class);
    assertThatThrownBy(() -> c.opener(true).open(ByteBuffer.wrap(sealedBy(s.sealer(false)))))
        .isInstanceOf(WitSecurityException.class);
  }

  @Test
  void aPeerWithoutTheTokenCannotOpenWhatABoundPeerSeals() {
    KeyExchange client = KeyExchange.generate();
    KeyExchange impostor = KeyExchange.generate();
    byte[] t = range(7);
    SessionKeys c =
        SessionKeys.deriveBound(
            client.agree(impostor.publicKey()), t, SessionKeys.tokenBinding("right-token"));
    SessionKeys i = SessionKeys.derive(impostor.agree(client.publicKey()), t);
    assertThatThrownBy(() -> i.opener(false).open(ByteBuffer.wrap(sealedBy(c.sealer(true)))))
        .isInstanceOf(WitSecurityException.class);
  }

  @Test
  void theTranscriptStillSaltsBoundKeys() {
    byte[] b = SessionKeys.tokenBinding("secret-token");
    byte[] other = range(101);
    other[31] ^= 1;
    SessionKeys one = SessionKeys.deriveBound(range(1), range(101), b);
    SessionKeys two = SessionKeys.deriveBound(range(1), other, b);
    assertThat(sealedBy(one.sealer(true))).isNotEqualTo(sealedBy(two.sealer(true)));
    assertThatThrownBy(() -> two.opener(false).open(ByteBuffer.wrap(sealedBy(one.sealer(true)))))
        .isInstanceOf(WitSecurityException.class);
  }

  @Test
  void boundAndUnboundKeysDifferForTheSameSecret() {
    SessionKeys bound =
        SessionKeys.deriveBound(range(1), range(101), SessionKeys.tokenBinding("x"));
    SessionKeys unbound = SessionKeys.derive(range(1), range(101));
    assertThat(sealedBy(bound.sealer(true))).isNotEqualTo(sealedBy(unbound.sealer(true)));
  }

  @Test
  void theSharedSecretIsWipedAndAnEmptyTokenCannotBeBound() {
    byte[] z = range(1);
    SessionKeys.deriveBound(z, range(101), SessionKeys.tokenBinding("x"));
    assertThat(z).containsOnly(0);
    assertThatThrownBy(() -> SessionKeys.tokenBinding(""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theTokenBoundAuthCarriesOnlyTheMarker() {
    Envelope auth = EnvelopeCodec.decode(Handshake.authTokenBound());
    assertThat(auth.body().remaining()).isEqualTo(4);
    assertThat(Handshake.isTokenBound(auth.body())).isTrue();
    assertThat(Handshake.isTokenBound(EnvelopeCodec.decode(Handshake.auth("")).body())).isFalse();
    assertThatThrownBy(() -> Handshake.readAuth(auth.body()))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("bad token length -1");
  }
}
