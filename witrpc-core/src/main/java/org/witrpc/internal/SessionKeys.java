package org.witrpc.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The two AES-256 keys of one encrypted connection, derived with HKDF-SHA256 (RFC 5869). Without
 * token binding:
 *
 * <pre>
 * PRK        = HKDF-Extract(salt = SHA-256(HELLO || HELLO_ACK), IKM = Z)
 * key c -> s = HKDF-Expand(PRK, info = "witrpc/1 key client->server", 32)
 * key s -> c = HKDF-Expand(PRK, info = "witrpc/1 key server->client", 32)
 * </pre>
 *
 * With token binding (both sides hold the same static access token, HELLO flags bit 1 on both
 * sides):
 *
 * <pre>
 * B          = HMAC-SHA256(key = UTF-8 bytes of the access token, "witrpc/3 token binding")
 * PRK        = HKDF-Extract(salt = SHA-256(HELLO || HELLO_ACK), IKM = Z || B)   (64 bytes)
 * key c -> s = HKDF-Expand(PRK, info = "witrpc/3 bound key client->server", 32)
 * key s -> c = HKDF-Expand(PRK, info = "witrpc/3 bound key server->client", 32)
 * </pre>
 *
 * Z is the X25519 shared secret (32 bytes). A peer without the token derives other keys, so the
 * first frame it opens or seals (AUTH, AUTH_ACK) fails authentication, and the token itself never
 * travels. A key per direction means the two counter nonces can never collide under one key. The
 * raw bytes are wiped once the {@link FrameCipher}s are made.
 *
 * <p>Thread safety: not thread-safe; used by the thread that runs the handshake.
 */
public final class SessionKeys {
  /** AES-256 key size in bytes. */
  public static final int KEY_SIZE = 32;

  static final String CLIENT_TO_SERVER = "witrpc/1 key client->server";
  static final String SERVER_TO_CLIENT = "witrpc/1 key server->client";
  static final String BOUND_CLIENT_TO_SERVER = "witrpc/3 bound key client->server";
  static final String BOUND_SERVER_TO_CLIENT = "witrpc/3 bound key server->client";
  static final String TOKEN_BINDING = "witrpc/3 token binding";

  private final byte[] clientToServer;
  private final byte[] serverToClient;

  private SessionKeys(byte[] clientToServer, byte[] serverToClient) {
    this.clientToServer = clientToServer;
    this.serverToClient = serverToClient;
  }

  /**
   * Derives both keys; wipes {@code sharedSecret}.
   *
   * @param sharedSecret the X25519 shared secret
   * @param transcriptHash {@link HandshakeTranscript#hash()}
   */
  public static SessionKeys derive(byte[] sharedSecret, byte[] transcriptHash) {
    try {
      return new SessionKeys(
          expand(sharedSecret, transcriptHash, CLIENT_TO_SERVER),
          expand(sharedSecret, transcriptHash, SERVER_TO_CLIENT));
    } finally {
      Arrays.fill(sharedSecret, (byte) 0);
    }
  }

  /**
   * Derives both keys with the access token bound in (see the class comment); wipes {@code
   * sharedSecret}. Only a peer that holds the same token derives the same keys.
   *
   * @param sharedSecret the X25519 shared secret
   * @param transcriptHash {@link HandshakeTranscript#hash()}
   * @param tokenBinding {@link #tokenBinding(String)} of the access token (32 bytes; not wiped)
   */
  public static SessionKeys deriveBound(
      byte[] sharedSecret, byte[] transcriptHash, byte[] tokenBinding) {
    Objects.requireNonNull(tokenBinding, "tokenBinding == null");
    if (tokenBinding.length != KEY_SIZE) {
      throw new IllegalArgumentException("a token binding has 32 bytes: " + tokenBinding.length);
    }
    byte[] ikm = new byte[sharedSecret.length + tokenBinding.length];
    System.arraycopy(sharedSecret, 0, ikm, 0, sharedSecret.length);
    System.arraycopy(tokenBinding, 0, ikm, sharedSecret.length, tokenBinding.length);
    try {
      return new SessionKeys(
          expand(ikm, transcriptHash, BOUND_CLIENT_TO_SERVER),
          expand(ikm, transcriptHash, BOUND_SERVER_TO_CLIENT));
    } finally {
      Arrays.fill(ikm, (byte) 0);
      Arrays.fill(sharedSecret, (byte) 0);
    }
  }

  /**
   * The value an access token contributes to the key schedule: {@code HMAC-SHA256(key = UTF-8 bytes
   * of token, message = "witrpc/3 token binding")}, 32 bytes. Computed once per client or server,
   * so the token itself need not be kept for the handshake.
   *
   * @throws IllegalArgumentException if the token is empty (an empty token is no token)
   */
  public static byte[] tokenBinding(String token) {
    Objects.requireNonNull(token, "token == null");
    if (token.isEmpty()) {
      throw new IllegalArgumentException("an empty access token cannot be bound");
    }
    byte[] key = token.getBytes(StandardCharsets.UTF_8);
    HMac hmac = new HMac(new SHA256Digest());
    hmac.init(new KeyParameter(key));
    byte[] label = TOKEN_BINDING.getBytes(StandardCharsets.US_ASCII);
    hmac.update(label, 0, label.length);
    byte[] out = new byte[hmac.getMacSize()];
    hmac.doFinal(out, 0);
    Arrays.fill(key, (byte) 0);
    return out;
  }

  private static byte[] expand(byte[] secret, byte[] salt, String label) {
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(new HKDFParameters(secret, salt, label.getBytes(StandardCharsets.US_ASCII)));
    byte[] key = new byte[KEY_SIZE];
    hkdf.generateBytes(key, 0, KEY_SIZE);
    return key;
  }

  /** The cipher that encrypts what this side sends; call once per side. */
  public FrameCipher sealer(boolean client) {
    return new FrameCipher(client ? clientToServer : serverToClient, true);
  }

  /** The cipher that decrypts what this side receives; call once per side. */
  public FrameCipher opener(boolean client) {
    return new FrameCipher(client ? serverToClient : clientToServer, false);
  }

  /** Overwrites the raw key bytes (the ciphers keep their own copies). */
  public void wipe() {
    Arrays.fill(clientToServer, (byte) 0);
    Arrays.fill(serverToClient, (byte) 0);
  }
}
