package org.witrpc.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.witrpc.Metadata;
import org.witrpc.WitSerializationException;

/**
 * The metadata block of a REQUEST body (protocol version 4), between the route and the arguments: a
 * u32 length N of the entries that follow (0: no metadata), then entries until N bytes are used,
 * each {@code u8 k, k bytes key (UTF-8, k >= 1), u8 kind (0 string UTF-8, 1 binary), u32 v, v bytes
 * value}. See docs/PROTOCOL.md.
 *
 * <p>Reading checks N against the server's limit and every field against the bytes left of the
 * block before anything is allocated for it, takes at most {@link #MAX_ENTRIES} entries (each costs
 * objects beyond its bytes: a block of tiny entries would otherwise hold many times its size) and
 * refuses keys and string values that are not valid UTF-8.
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
public final class CallMetadata {
  static final int KIND_STRING = 0;
  static final int KIND_BINARY = 1;

  /** The most entries a block may have; more is malformed (a 400). */
  public static final int MAX_ENTRIES = 64;

  private CallMetadata() {}

  /**
   * The entries of {@code metadata} as the block carries them after its length field; empty for no
   * metadata.
   */
  public static byte[] encode(Metadata metadata) {
    if (metadata.isEmpty()) {
      return new byte[0];
    }
    FrameBuffer fb = new FrameBuffer(64);
    for (String key : metadata.keys()) {
      byte[] k = key.getBytes(StandardCharsets.UTF_8);
      boolean binary = metadata.isBinary(key);
      byte[] v =
          binary ? metadata.getBinary(key) : metadata.get(key).getBytes(StandardCharsets.UTF_8);
      fb.writeU8(k.length).write(k, 0, k.length);
      fb.writeU8(binary ? KIND_BINARY : KIND_STRING).writeI32(v.length);
      fb.write(v, 0, v.length);
    }
    ByteBuffer frame = fb.finish(MessageType.REQUEST, 0, 0, 0);
    byte[] block = new byte[frame.remaining() - EnvelopeCodec.HEADER_SIZE];
    frame.position(EnvelopeCodec.HEADER_SIZE).get(block);
    return block;
  }

  /** Writes a block: the length field, then {@code entries} (from {@link #encode}). */
  public static void write(FrameBuffer out, byte[] entries) {
    out.writeI32(entries.length);
    out.write(entries, 0, entries.length);
  }

  /** Writes the block of a call without metadata: a zero length field. */
  public static void writeNone(FrameBuffer out) {
    out.writeI32(0);
  }

  /**
   * Advances past the block at the body's position without decoding its entries (for a look at what
   * follows it; {@link #read} checks the entries when the call is handled).
   *
   * @param maxBytes the largest N accepted
   * @throws WitSerializationException if N is above {@code maxBytes} or beyond the body
   */
  public static void skip(ByteBuffer body, int maxBytes) {
    int n = blockLength(body, maxBytes);
    body.position(body.position() + n);
  }

  /** Reads the block's length field, N, and checks it against the limit and the body. */
  private static int blockLength(ByteBuffer body, int maxBytes) {
    if (body.remaining() < 4) {
      throw bad("the metadata length field is missing");
    }
    int n = body.getInt();
    if (n < 0 || n > maxBytes) {
      throw bad(
          "metadata of "
              + Integer.toUnsignedString(n)
              + " bytes exceeds the server's limit of "
              + maxBytes
              + " bytes");
    }
    if (n > body.remaining()) {
      throw bad("a metadata block of " + n + " bytes, but only " + body.remaining() + " follow");
    }
    return n;
  }

  /**
   * Reads the block at the body's position, advancing past it.
   *
   * @param maxBytes the largest N accepted
   * @throws WitSerializationException naming what is wrong: N above {@code maxBytes} or beyond the
   *     body, an entry that overruns the block, an empty or repeated key, an unknown kind
   */
  public static Metadata read(ByteBuffer body, int maxBytes) {
    int n = blockLength(body, maxBytes);
    if (n == 0) {
      return Metadata.empty();
    }
    ByteBuffer block = body.slice().limit(n);
    body.position(body.position() + n);
    Metadata.Builder b = Metadata.builder();
    int entries = 0;
    while (block.hasRemaining()) {
      if (++entries > MAX_ENTRIES) {
        throw bad("more than " + MAX_ENTRIES + " entries");
      }
      int k = Byte.toUnsignedInt(block.get());
      if (k == 0) {
        throw bad("an empty metadata key");
      }
      String key = utf8(block, k, "key");
      if (b.contains(key)) {
        throw bad("metadata key '" + key + "' repeated");
      }
      if (block.remaining() < 5) {
        throw bad("metadata entry '" + key + "' cut short");
      }
      int kind = Byte.toUnsignedInt(block.get());
      int v = block.getInt();
      if (v < 0 || v > block.remaining()) {
        throw bad("metadata value of '" + key + "' overruns the block");
      }
      if (kind == KIND_STRING) {
        b.put(key, utf8(block, v, "value"));
      } else if (kind == KIND_BINARY) {
        byte[] value = new byte[v];
        block.get(value);
        b.put(key, value);
      } else {
        throw bad("unknown metadata value kind " + kind + " of '" + key + "'");
      }
    }
    return b.build();
  }

  private static String utf8(ByteBuffer block, int length, String what) {
    if (length > block.remaining()) {
      throw bad("a metadata " + what + " overruns the block");
    }
    ByteBuffer bytes = block.slice().limit(length);
    block.position(block.position() + length);
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes)
          .toString();
    } catch (CharacterCodingException e) {
      throw bad("a metadata " + what + " that is not valid UTF-8");
    }
  }

  private static WitSerializationException bad(String why) {
    return new WitSerializationException("malformed metadata: " + why);
  }
}
