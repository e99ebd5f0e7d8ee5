package org.witrpc;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * The two AES-256 keys of one encrypted connection, derived with HKDF-SHA256 (RFC 5869):
 *
 * <pre>
 * PRK        = HKDF-Extract(salt = SHA-256(HELLO || HELLO_ACK), IKM = X25519 shared secret)
 * key c -> s = HKDF-Expand(PRK, info = "witrpc/1 key client->server", 32)
 * key s -> c = HKDF-Expand(PRK, info = "witrpc/1 key server->client", 32)
 * </pre>
 *
 * A key per direction means the two counter nonces can never collide under one key. The raw bytes
 * are wiped once the {@link FrameCipher}s are made.
 *
 * <p>Thread safety: not thread-safe; used by the thread that runs the handshake.
 */
public final class SessionKeys {
  /** AES-256 key size in bytes. */
  public static final int KEY_SIZE = 32;

  static final String CLIENT_TO_SERVER = "witrpc/1 key client->server";
  static final String SERVER_TO_CLIENT = "witrpc/1 key server->client";

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
