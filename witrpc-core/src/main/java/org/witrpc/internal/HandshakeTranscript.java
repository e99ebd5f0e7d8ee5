package org.witrpc.internal;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 over the handshake frames exchanged in clear (HELLO, then HELLO_ACK, each a whole
 * envelope: header and body). Its hash salts the key derivation, so both sides derive the same keys
 * only if they saw the same HELLO and HELLO_ACK: a man in the middle who changes a flag, the
 * serializer or a public key makes the first encrypted frame fail authentication.
 *
 * <p>Thread safety: not thread-safe; used by the thread that runs the handshake.
 */
public final class HandshakeTranscript {
  private final MessageDigest digest;

  /** An empty transcript. */
  public HandshakeTranscript() {
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java 17 runtime has SHA-256", e);
    }
  }

  /** Adds a whole frame (its remaining bytes; the buffer's position is not changed). */
  public HandshakeTranscript add(ByteBuffer frame) {
    digest.update(frame.duplicate());
    return this;
  }

  /** Adds a received frame, re-encoded exactly as it was on the wire. */
  public HandshakeTranscript add(Envelope env) {
    return add(
        EnvelopeCodec.encode(
            env.type(), env.flags(), env.status(), env.correlationId(), env.body().duplicate()));
  }

  /** The 32-byte SHA-256 of everything added; ends the transcript. */
  public byte[] hash() {
    return digest.digest();
  }
}
