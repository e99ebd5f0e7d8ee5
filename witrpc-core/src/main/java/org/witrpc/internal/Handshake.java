package org.witrpc.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.witrpc.Status;
import org.witrpc.WitSecurityException;
import org.witrpc.WitTransportException;

/**
 * The fixed binary bodies of the handshake (HELLO, HELLO_ACK, AUTH, AUTH_ACK, GOODBYE), which are
 * exchanged before the serializer is agreed. See docs/PROTOCOL.md.
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
public final class Handshake {

  /**
   * The protocol version this library speaks. Version 2 added the deadline in front of the route of
   * REQUEST, SUBSCRIBE and UNSUBSCRIBE bodies; version 3 added token binding ({@link
   * #FLAG_TOKEN_BINDING}); version 4 added the metadata limit to HELLO / HELLO_ACK, the metadata
   * block of REQUEST ({@link CallMetadata}) and CANCEL; version 5 added the maximum frame size to
   * HELLO / HELLO_ACK.
   */
  public static final int PROTOCOL_VERSION = 5;

  /** HELLO flags bit 0: the sender wants an encrypted channel. */
  public static final int FLAG_ENCRYPTION = 1;

  /**
   * HELLO flags bit 1 (only with bit 0): the sender binds its access token into the key schedule
   * instead of sending it ({@link SessionKeys#deriveBound}). Set by a client that has a token, and
   * by a server that checks a static token. The token is bound when both HELLO and HELLO_ACK have
   * it; AUTH then carries {@link #authTokenBound()} instead of the token.
   */
  public static final int FLAG_TOKEN_BINDING = 2;

  /** The token length field of an AUTH whose token is bound into the keys (u32 0xFFFFFFFF). */
  public static final int TOKEN_BOUND = -1;

  /**
   * Longest access token accepted in AUTH, in UTF-8 bytes: 8 KiB, so that AUTH (with its header
   * and, encrypted, its GCM tag) fits in {@link
   * org.witrpc.spi.TransportOptions#HANDSHAKE_FRAME_LIMIT}, the largest frame a connection accepts
   * before it is READY.
   */
  public static final int MAX_TOKEN_BYTES = 8 * 1024;

  /**
   * Checks an access token a builder is given: not empty or blank (a server given "" would serve
   * every client: it is a configuration mistake, such as an unset environment variable read with ""
   * as the default), and at most {@link #MAX_TOKEN_BYTES} UTF-8 bytes (a server with a longer one
   * could never be reached).
   *
   * @return the token
   * @throws IllegalArgumentException naming what is wrong
   */
  public static String checkedToken(String accessToken) {
    Objects.requireNonNull(accessToken, "accessToken == null");
    if (accessToken.isBlank()) {
      throw new IllegalArgumentException(
          "accessToken is empty or blank; to run without a token, do not set one");
    }
    int bytes = accessToken.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_TOKEN_BYTES) {
      throw new IllegalArgumentException(
          "accessToken has "
              + bytes
              + " UTF-8 bytes; the protocol allows at most "
              + MAX_TOKEN_BYTES);
    }
    return accessToken;
  }

  private Handshake() {}

  /**
   * The contents of HELLO (and of a successful HELLO_ACK).
   *
   * @param version protocol version
   * @param flags bit 0: encryption
   * @param serializer serializer name, ASCII, at most 255 bytes
   * @param maxMetadataBytes the largest REQUEST metadata block the sender accepts, in bytes (the
   *     server's bound is the one that counts; 0 from a peer of another version)
   * @param maxFrameSize the largest frame the sender's transport accepts once READY, in bytes
   *     ({@link org.witrpc.spi.Connection#maxReceiveFrameSize}; sealed frames count with their
   *     tags); at least {@link Limits#MIN_FRAME_SIZE}, and 0 from a peer of another version
   */
  public record Hello(
      int version, int flags, String serializer, int maxMetadataBytes, int maxFrameSize) {
    /** Checks the fields. */
    public Hello {
      Objects.requireNonNull(serializer, "serializer == null");
      if (maxMetadataBytes < 0) {
        throw new IllegalArgumentException("maxMetadataBytes < 0");
      }
      if (maxFrameSize < 0) {
        throw new IllegalArgumentException("maxFrameSize < 0");
      }
    }

    /** A HELLO that announces the default metadata limit and no frame limit. */
    public Hello(int version, int flags, String serializer) {
      this(version, flags, serializer, org.witrpc.Metadata.DEFAULT_MAX_SIZE, Integer.MAX_VALUE);
    }

    /** True if bit 0 (encryption) is set. */
    public boolean encryption() {
      return (flags & FLAG_ENCRYPTION) != 0;
    }

    /** True if bit 1 (token binding) is set. */
    public boolean tokenBinding() {
      return (flags & FLAG_TOKEN_BINDING) != 0;
    }
  }

  /** A HELLO or successful HELLO_ACK frame. */
  public static ByteBuffer hello(MessageType type, Hello hello) {
    byte[] name = hello.serializer().getBytes(StandardCharsets.US_ASCII);
    if (name.length > 255) {
      throw new IllegalArgumentException("serializer name longer than 255 bytes");
    }
    FrameBuffer fb = new FrameBuffer(44);
    fb.writeU16(hello.version()).writeU8(hello.flags()).writeU8(name.length);
    fb.write(name, 0, name.length);
    fb.writeI32(hello.maxMetadataBytes()).writeI32(hello.maxFrameSize());
    return fb.finish(type, 0, type == MessageType.HELLO ? 0 : Status.OK.code(), 0);
  }

  /**
   * A HELLO or successful HELLO_ACK frame of an encrypted connection: the fields, then this side's
   * 32-byte ephemeral X25519 public key.
   */
  public static ByteBuffer hello(MessageType type, Hello hello, byte[] publicKey) {
    if (publicKey.length != KeyExchange.KEY_SIZE) {
      throw new IllegalArgumentException("an X25519 public key has 32 bytes");
    }
    byte[] name = hello.serializer().getBytes(StandardCharsets.US_ASCII);
    if (name.length > 255) {
      throw new IllegalArgumentException("serializer name longer than 255 bytes");
    }
    FrameBuffer fb = new FrameBuffer(76 + name.length);
    fb.writeU16(hello.version()).writeU8(hello.flags()).writeU8(name.length);
    fb.write(name, 0, name.length);
    fb.writeI32(hello.maxMetadataBytes()).writeI32(hello.maxFrameSize());
    fb.write(publicKey, 0, publicKey.length);
    return fb.finish(type, 0, type == MessageType.HELLO ? 0 : Status.OK.code(), 0);
  }

  /**
   * Reads the X25519 public key that follows the fields of an encrypted HELLO / HELLO_ACK (call
   * after {@link #readHello}).
   *
   * @throws WitSecurityException if the rest of the body is not exactly one public key
   */
  public static byte[] readPublicKey(ByteBuffer body) {
    if (body.remaining() != KeyExchange.KEY_SIZE) {
      throw new WitSecurityException(
          "encryption requested but the handshake carries "
              + body.remaining()
              + " key bytes instead of a 32-byte X25519 public key");
    }
    byte[] key = new byte[KeyExchange.KEY_SIZE];
    body.get(key);
    return key;
  }

  /**
   * Parses the body of HELLO or a successful HELLO_ACK. The metadata and frame limits are read only
   * from a body of this version: the fields before them are those of every version, so a peer of
   * another version is told "protocol version mismatch" rather than that its HELLO is malformed.
   *
   * @throws WitTransportException if a limit is out of range (a frame limit below {@link
   *     Limits#MIN_FRAME_SIZE}, or above 2^31 - 1)
   */
  public static Hello readHello(ByteBuffer body) {
    int version = BodyReader.u16(body, "protocol version");
    int flags = BodyReader.u8(body, "flags");
    String name = BodyReader.string8(body, "serializer name");
    if (version != PROTOCOL_VERSION) {
      return new Hello(version, flags, name, 0, 0);
    }
    int maxMetadata = BodyReader.i32(body, "metadata limit");
    if (maxMetadata < 0) {
      throw new WitTransportException("bad metadata limit " + (maxMetadata & 0xFFFFFFFFL));
    }
    int maxFrame = BodyReader.i32(body, "maximum frame size");
    if (maxFrame < Limits.MIN_FRAME_SIZE) {
      throw new WitTransportException(
          "bad maximum frame size "
              + (maxFrame & 0xFFFFFFFFL)
              + " (at least "
              + Limits.MIN_FRAME_SIZE
              + ", at most 2^31 - 1)");
    }
    return new Hello(version, flags, name, maxMetadata, maxFrame);
  }

  /**
   * An error answer (HELLO_ACK or AUTH_ACK with an error status, or an AUTH_ACK OK with empty
   * message): the status in the header and a UTF-8 message as the body.
   */
  public static ByteBuffer status(MessageType type, Status status, String message) {
    FrameBuffer fb = new FrameBuffer(64 + message.length());
    byte[] utf8 = message.getBytes(StandardCharsets.UTF_8);
    fb.write(utf8, 0, utf8.length);
    return fb.finish(type, 0, status.code(), 0);
  }

  /** Parses the UTF-8 message of a HELLO_ACK / AUTH_ACK with an error status. */
  public static String readStatusMessage(ByteBuffer body) {
    return BodyReader.rest(body);
  }

  /** An AUTH frame; an empty token means none. */
  public static ByteBuffer auth(String token) {
    byte[] utf8 = token.getBytes(StandardCharsets.UTF_8);
    FrameBuffer fb = new FrameBuffer(16 + utf8.length);
    fb.writeI32(utf8.length);
    fb.write(utf8, 0, utf8.length);
    return fb.finish(MessageType.AUTH, 0, 0, 0);
  }

  /**
   * The AUTH frame of a connection whose token is bound into the keys: the token length field is
   * {@link #TOKEN_BOUND} and no token follows. It travels sealed with the token-bound key, so the
   * server can open it only if it holds the same token.
   */
  public static ByteBuffer authTokenBound() {
    FrameBuffer fb = new FrameBuffer(16);
    fb.writeI32(TOKEN_BOUND);
    return fb.finish(MessageType.AUTH, 0, 0, 0);
  }

  /**
   * True if an AUTH body is {@link #authTokenBound()}'s (exactly the 4 bytes 0xFFFFFFFF). Does not
   * move the buffer's position.
   */
  public static boolean isTokenBound(ByteBuffer body) {
    return body.remaining() == 4 && body.getInt(body.position()) == TOKEN_BOUND;
  }

  /**
   * Parses an AUTH body that carries a token; the empty string means no token. A token-bound AUTH
   * ({@link #isTokenBound}) is refused here as a bad token length.
   */
  public static String readAuth(ByteBuffer body) {
    int length = BodyReader.i32(body, "token length");
    if (length < 0 || length > MAX_TOKEN_BYTES) {
      throw new WitTransportException("bad token length " + length + " in AUTH");
    }
    return BodyReader.utf8(body, length, "token");
  }

  /** A GOODBYE frame: u8 length + UTF-8 reason (cut to 255 bytes). */
  public static ByteBuffer goodbye(String reason) {
    byte[] utf8 = reason.getBytes(StandardCharsets.UTF_8);
    int length = Math.min(utf8.length, 255);
    FrameBuffer fb = new FrameBuffer(16 + length);
    fb.writeU8(length);
    fb.write(utf8, 0, length);
    return fb.finish(MessageType.GOODBYE, 0, 0, 0);
  }

  /** Parses a GOODBYE body. */
  public static String readGoodbye(ByteBuffer body) {
    return BodyReader.string8(body, "goodbye reason");
  }
}
