package org.witrpc.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.witrpc.WitTransportException;

/**
 * Reads the fixed binary parts of message bodies (handshake fields, route prefixes) from a buffer,
 * checking every length against the bytes present, so a truncated or lying body fails clearly
 * before any allocation.
 *
 * <p>Thread safety: stateless; the buffer passed in is read by one thread at a time.
 */
public final class BodyReader {
  private BodyReader() {}

  private static void need(ByteBuffer in, int n, String what) {
    if (n < 0 || in.remaining() < n) {
      throw new WitTransportException(
          "truncated body: " + what + " needs " + n + " bytes, " + in.remaining() + " left");
    }
  }

  /** An unsigned byte. */
  public static int u8(ByteBuffer in, String what) {
    need(in, 1, what);
    return Byte.toUnsignedInt(in.get());
  }

  /** An unsigned big-endian 16-bit value. */
  public static int u16(ByteBuffer in, String what) {
    need(in, 2, what);
    return Short.toUnsignedInt(in.order(java.nio.ByteOrder.BIG_ENDIAN).getShort());
  }

  /** A big-endian 32-bit value. */
  public static int i32(ByteBuffer in, String what) {
    need(in, 4, what);
    return in.order(java.nio.ByteOrder.BIG_ENDIAN).getInt();
  }

  /** A big-endian 64-bit value. */
  public static long i64(ByteBuffer in, String what) {
    need(in, 8, what);
    return in.order(java.nio.ByteOrder.BIG_ENDIAN).getLong();
  }

  /** {@code length} bytes as UTF-8. */
  public static String utf8(ByteBuffer in, int length, String what) {
    need(in, length, what);
    byte[] b = new byte[length];
    in.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  /** A string written as u16 length + UTF-8. */
  public static String string16(ByteBuffer in, String what) {
    return utf8(in, u16(in, what), what);
  }

  /** A string written as u8 length + UTF-8. */
  public static String string8(ByteBuffer in, String what) {
    return utf8(in, u8(in, what), what);
  }

  /** All remaining bytes as UTF-8. */
  public static String rest(ByteBuffer in) {
    return utf8(in, in.remaining(), "text");
  }
}
