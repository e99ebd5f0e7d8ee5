package org.witrpc.internal;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.crypto.agreement.X25519Agreement;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;
import org.witrpc.WitSecurityException;

/**
 * One side's ephemeral X25519 key pair for the key agreement of one connection's handshake (Bouncy
 * Castle's lightweight API: raw 32-byte keys as on the wire, no ASN.1). Created per connection,
 * used once, then dropped.
 *
 * <p>Thread safety: not thread-safe; used by the thread that runs the handshake.
 */
public final class KeyExchange {
  /** Size of an X25519 public key and of the shared secret, in bytes. */
  public static final int KEY_SIZE = X25519PublicKeyParameters.KEY_SIZE;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final X25519PrivateKeyParameters privateKey;
  private final byte[] publicKey;

  private KeyExchange(X25519PrivateKeyParameters privateKey) {
    this.privateKey = privateKey;
    this.publicKey = privateKey.generatePublicKey().getEncoded();
  }

  /** A fresh ephemeral key pair. */
  public static KeyExchange generate() {
    return new KeyExchange(new X25519PrivateKeyParameters(RANDOM));
  }

  /** This side's public key (32 bytes, RFC 7748 encoding). */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /**
   * The X25519 shared secret with the peer's public key.
   *
   * @throws WitSecurityException if the key has the wrong size or is a low-order point (the shared
   *     secret would be all zeros, so an attacker could predict the keys)
   */
  public byte[] agree(byte[] peerPublicKey) {
    Objects.requireNonNull(peerPublicKey, "peerPublicKey == null");
    if (peerPublicKey.length != KEY_SIZE) {
      throw new WitSecurityException(
          "bad X25519 public key: " + peerPublicKey.length + " bytes, expected " + KEY_SIZE);
    }
    X25519Agreement agreement = new X25519Agreement();
    agreement.init(privateKey);
    byte[] secret = new byte[agreement.getAgreementSize()];
    try {
      agreement.calculateAgreement(new X25519PublicKeyParameters(peerPublicKey, 0), secret, 0);
    } catch (IllegalStateException e) {
      Arrays.fill(secret, (byte) 0);
      throw new WitSecurityException("the peer's X25519 public key is a low-order point", e);
    }
    return secret;
  }
}
