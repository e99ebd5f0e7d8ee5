package org.witrpc.internal;

import java.lang.ref.SoftReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.witrpc.WitSecurityException;
import org.witrpc.WitTransportException;

/**
 * AES-256-GCM for the frames of one direction of one connection (JCA {@code AES/GCM/NoPadding},
 * which the JIT runs on AES-NI / CLMUL). A sealed frame is
 *
 * <pre>
 *  0                      16                              16 + n        16 + n + 16
 *  +----------------------+--------------------------------+-------------+
 *  | envelope header      | body, encrypted (n bytes)      | GCM tag     |
 *  | (clear, AAD)         |                                | (16 bytes)  |
 *  +----------------------+--------------------------------+-------------+
 * </pre>
 *
 * <p>The header travels in clear, with its body length counting ciphertext and tag, and is the
 * associated data, so a changed header fails authentication as a changed body does. The 96-bit
 * nonce is 4 zero bytes and the 64-bit big-endian count of frames this cipher has processed; it is
 * never sent: both sides count, so a replayed, reordered, dropped or injected frame is decrypted
 * with the wrong nonce and fails. The count stops at {@link #DEFAULT_FRAME_LIMIT}; past it the
 * cipher refuses to work (the connection must be re-established), long before the counter could
 * wrap.
 *
 * <p>A body above {@link #CHUNKED_ABOVE} bytes goes through the JCA in pieces of {@link #CHUNK}
 * bytes, with the same bytes on the wire. The JDK's GCM is fast (several GB/s with AES-NI and
 * CLMUL) only while the JIT keeps its methods compiled, and one call on megabytes makes it throw
 * that code away and run it interpreted, at about 0.1 GB/s, for as long as such calls go on (JMH,
 * 16 MiB sealed and opened: 548 ms, against 32 us for 64 KiB). Sealing feeds such a body in {@code
 * update} calls of {@link #CHUNK} bytes. Opening cannot (the JDK's GCM decryption keeps all its
 * input until {@code doFinal}), so a large body is opened as GCM defines it, from the same two
 * parts: it is decrypted in place in pieces with AES-CTR from GCM's first counter block, and its
 * tag is computed by sealing that plaintext again with the same key and nonce, in pieces into a
 * small scratch buffer (the ciphertext it makes is the one received, so its tag is the tag GCM
 * expects); the tags are compared in constant time, and the plaintext is handed on only if they
 * match.
 *
 * <p>Thread safety: not thread-safe. The sealer is used under its connection's send lock, the
 * opener by the connection's reader (one thread at a time).
 */
public final class FrameCipher {
  /** Size of the GCM tag appended to every sealed frame. */
  public static final int TAG_SIZE = 16;

  /** Size of the GCM nonce. */
  public static final int NONCE_SIZE = 12;

  /**
   * Frames per direction per connection: 2^48, after which the connection is closed. This keeps the
   * amount of data under one key far below AES-GCM's confidentiality bounds for typical frames and
   * the 64-bit counter from ever wrapping.
   */
  public static final long DEFAULT_FRAME_LIMIT = 1L << 48;

  private static final int HEADER = EnvelopeCodec.HEADER_SIZE;

  /** The largest sealing buffer kept strongly for the next frame. */
  private static final int KEPT_BUFFER_BYTES = 64 << 10;

  /** A body longer than this is sealed and opened in pieces of {@link #CHUNK} bytes. */
  static final int CHUNKED_ABOVE = 64 << 10;

  /** The bytes given to the JCA per call for a large body (a multiple of the AES block). */
  static final int CHUNK = 16 << 10;

  /**
   * Whether a large body is opened in pieces: with the JDK's own provider, whose GCM hands out what
   * it encrypts as it goes (a provider that keeps all of it until {@code doFinal} would need a
   * scratch buffer as large as the frame).
   */
  private static final boolean OPENS_IN_PIECES = providerOfGcm().equals("SunJCE");

  private final Cipher cipher;
  private final SecretKeySpec key;
  private final int mode;
  private final long limit;
  private final byte[] nonce = new byte[NONCE_SIZE];
  private final byte[] header = new byte[HEADER];
  private long counter;
  private byte[] out = new byte[256];

  /** For opening a large body: AES-CTR, a second GCM for its tag, their scratch buffer. */
  private Cipher ctr;

  private Cipher tagger;
  private byte[] scratch;

  /**
   * The last sealing buffer larger than {@link #KEPT_BUFFER_BYTES}, for the next large frame: kept
   * only softly, so an idle connection does not pin it when memory runs short.
   */
  private SoftReference<byte[]> largeOut = new SoftReference<>(null);

  FrameCipher(byte[] key, boolean encrypt) {
    this(key, encrypt, DEFAULT_FRAME_LIMIT);
  }

  FrameCipher(byte[] key, boolean encrypt, long limit) {
    if (key.length != SessionKeys.KEY_SIZE) {
      throw new IllegalArgumentException("AES-256 needs a 32-byte key");
    }
    this.key = new SecretKeySpec(key, "AES");
    this.mode = encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE;
    this.limit = limit;
    try {
      this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java 17 runtime has AES/GCM/NoPadding", e);
    }
  }

  private static String providerOfGcm() {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding").getProvider().getName();
    } catch (GeneralSecurityException e) {
      return "none";
    }
  }

  /** Frames processed so far (the next nonce). */
  public long counter() {
    return counter;
  }

  private void nextNonce() {
    if (counter >= limit) {
      throw new WitSecurityException(
          "nonce counter exhausted after " + counter + " frames; the connection must be renewed");
    }
    ByteBuffer.wrap(nonce).order(ByteOrder.BIG_ENDIAN).putLong(4, counter++);
  }

  private void init() throws GeneralSecurityException {
    cipher.init(mode, key, new GCMParameterSpec(TAG_SIZE * 8, nonce));
    cipher.updateAAD(header);
  }

  /**
   * Encrypts one plain frame made of the remaining bytes of {@code parts} (an envelope header, then
   * the body; positions are advanced). The returned buffer is reused by the next call: send it
   * before sealing another frame.
   *
   * @throws IllegalArgumentException if the parts hold less than an envelope header
   * @throws WitSecurityException if the nonce counter is exhausted
   */
  public ByteBuffer seal(ByteBuffer... parts) {
    long total = 0;
    for (ByteBuffer p : parts) {
      total += p.remaining();
    }
    if (total < HEADER) {
      throw new IllegalArgumentException("a frame needs at least an envelope header: " + total);
    }
    long sealed = total + TAG_SIZE;
    if (sealed > Integer.MAX_VALUE - 8) {
      throw new WitTransportException("frame too large to encrypt: " + total + " bytes");
    }
    int filled = 0;
    for (ByteBuffer p : parts) {
      int n = Math.min(HEADER - filled, p.remaining());
      p.get(header, filled, n);
      filled += n;
    }
    ByteBuffer.wrap(header).order(ByteOrder.BIG_ENDIAN).putInt(12, (int) sealed - HEADER);
    byte[] out = sealingBuffer((int) sealed);
    System.arraycopy(header, 0, out, 0, HEADER);
    ByteBuffer target = ByteBuffer.wrap(out, HEADER, (int) sealed - HEADER);
    nextNonce();
    try {
      init();
      boolean chunked = total - HEADER > CHUNKED_ABOVE;
      for (ByteBuffer p : parts) {
        while (p.hasRemaining()) {
          if (!chunked || p.remaining() <= CHUNK) {
            cipher.update(p, target);
            break;
          }
          ByteBuffer piece = p.slice(p.position(), CHUNK);
          cipher.update(piece, target);
          p.position(p.position() + CHUNK);
        }
      }
      cipher.doFinal(ByteBuffer.allocate(0), target);
    } catch (GeneralSecurityException e) {
      throw new WitSecurityException("cannot encrypt a frame: " + e.getMessage(), e);
    }
    return ByteBuffer.wrap(out, 0, (int) sealed);
  }

  /**
   * A buffer of at least {@code sealed} bytes: the kept one, or a new one that is kept for the next
   * frame (strongly up to {@link #KEPT_BUFFER_BYTES}, softly above), so back-to-back large frames
   * are sealed without a new (zeroed) array each.
   */
  private byte[] sealingBuffer(int sealed) {
    if (sealed <= out.length) {
      return out;
    }
    if (sealed <= KEPT_BUFFER_BYTES) {
      out = new byte[Math.max(sealed, Math.min(2 * out.length, KEPT_BUFFER_BYTES))];
      return out;
    }
    byte[] large = largeOut.get();
    if (large == null || large.length < sealed) {
      large = new byte[sealed];
      largeOut = new SoftReference<>(large);
    }
    return large;
  }

  /**
   * Authenticates and decrypts one sealed frame (its remaining bytes) in place: the plain frame,
   * whose header carries the plain body length, is returned in the same memory (a view of {@code
   * frame}'s array from its position on, {@link #TAG_SIZE} bytes shorter). So the caller must own
   * {@code frame} and give it up; its bytes are unspecified after a failure. A buffer without an
   * accessible array (direct or read-only) is left unchanged and opened into a new one.
   *
   * @throws WitSecurityException if the frame is too short, its length field lies, or it fails
   *     authentication (tampered, replayed, reordered, truncated or not from the peer)
   */
  public ByteBuffer open(ByteBuffer frame) {
    int length = frame.remaining();
    if (length < HEADER + TAG_SIZE) {
      throw new WitSecurityException(
          "truncated encrypted frame: "
              + length
              + " bytes, at least "
              + (HEADER + TAG_SIZE)
              + " needed");
    }
    ByteBuffer in = frame.duplicate().order(ByteOrder.BIG_ENDIAN);
    int declared = in.getInt(in.position() + 12);
    if (declared != length - HEADER) {
      throw new WitSecurityException(
          "bad body length " + declared + " in an encrypted frame of " + length + " bytes");
    }
    in.get(header);
    // In place where the frame's array is ours to write: the cipher is copy-safe (Cipher.doFinal
    // on overlapping buffers), and the plaintext starts where the ciphertext did.
    ByteBuffer plain =
        frame.hasArray()
            ? frame.slice(frame.position(), length - TAG_SIZE)
            : ByteBuffer.allocate(length - TAG_SIZE);
    plain.put(header).putInt(12, length - HEADER - TAG_SIZE);
    nextNonce();
    try {
      if (length - HEADER - TAG_SIZE > CHUNKED_ABOVE && frame.hasArray() && OPENS_IN_PIECES) {
        openInPieces(frame.array(), frame.arrayOffset() + frame.position(), length);
        return plain.position(length - TAG_SIZE).flip();
      }
      init();
      cipher.doFinal(in, plain);
    } catch (AEADBadTagException e) {
      throw new WitSecurityException(
          "frame authentication failed (tampered, replayed, reordered or truncated frame)", e);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new WitSecurityException("cannot decrypt a frame: " + e.getMessage(), e);
    }
    return plain.flip();
  }

  /**
   * Opens a large sealed frame in place, in pieces (see the class comment): decrypts its body with
   * AES-CTR from GCM's first counter block (nonce, then 2), then seals that plaintext again with
   * the same key and nonce into a scratch buffer for the tag GCM computes over the received
   * ciphertext, and compares it with the received tag in constant time.
   *
   * @param frame the sealed frame's array, from {@code offset}: header, body, tag (the received
   *     header, the associated data, is in {@link #header})
   * @throws AEADBadTagException if the tags differ; the body is then zeros (no unauthenticated
   *     plaintext is left in the frame)
   */
  private void openInPieces(byte[] frame, int offset, int length) throws GeneralSecurityException {
    if (ctr == null) {
      Cipher counterMode = Cipher.getInstance("AES/CTR/NoPadding", cipher.getProvider());
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding", cipher.getProvider());
      scratch = new byte[CHUNK + 2 * TAG_SIZE];
      ctr = counterMode;
      tagger = gcm;
    }
    int body = length - HEADER - TAG_SIZE;
    int start = offset + HEADER;
    boolean authentic = false;
    try {
      byte[] counterBlock = new byte[16];
      System.arraycopy(nonce, 0, counterBlock, 0, NONCE_SIZE);
      counterBlock[15] = 2; // GCM's first counter block for the body: J0 + 1, J0 = nonce || 1
      ctr.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(counterBlock));
      for (int done = 0; done < body; ) {
        int n = Math.min(CHUNK, body - done);
        ctr.update(frame, start + done, n, frame, start + done);
        done += n;
      }
      tagger.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_SIZE * 8, nonce));
      tagger.updateAAD(header);
      for (int done = 0; done < body; ) {
        int n = Math.min(CHUNK, body - done);
        tagger.update(frame, start + done, n, scratch, 0);
        done += n;
      }
      int last = tagger.doFinal(scratch, 0); // what was held back, then the tag
      authentic =
          MessageDigest.isEqual(
              Arrays.copyOfRange(scratch, last - TAG_SIZE, last),
              Arrays.copyOfRange(frame, start + body, start + body + TAG_SIZE));
    } finally {
      Arrays.fill(scratch, (byte) 0); // the last piece of plaintext, and a tag for this body
      if (!authentic) {
        Arrays.fill(frame, start, start + body, (byte) 0); // no unauthenticated plaintext left
      }
    }
    if (!authentic) {
      throw new AEADBadTagException("tag mismatch");
    }
  }
}
