package org.witrpc.internal;

import java.util.Arrays;
import org.witrpc.WitSerializationException;

/**
 * Finds the end of one MessagePack value in a byte array, checking that it is well formed, that no
 * length in it claims more bytes than are there, and that it nests at most a given number of arrays
 * and maps; without recursion and without allocating anything the value claims. It reads the format
 * bytes directly (no unpacker), so checking a body costs less than parsing it.
 *
 * <pre>
 *   0x00-0x7f, 0xe0-0xff  fixint              0xc0, 0xc2, 0xc3  nil, false, true
 *   0x80-0x8f  fixmap     0x90-0x9f fixarray  0xa0-0xbf fixstr  0xc1 never used (malformed)
 *   0xc4-0xc6  bin 8/16/32       0xc7-0xc9 ext 8/16/32 (+1 type byte)
 *   0xca, 0xcb float 32/64       0xcc-0xcf uint 8-64   0xd0-0xd3 int 8-64
 *   0xd4-0xd8  fixext 1-16 (+1)  0xd9-0xdb str 8/16/32
 *   0xdc, 0xdd array 16/32       0xde, 0xdf map 16/32 (big-endian lengths)
 * </pre>
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
final class MessagePackWalker {
  private MessagePackWalker() {}

  /**
   * The offset just after the value that starts at {@code from}.
   *
   * @param limit the end of the bytes the value must lie in
   * @param maxDepth the most arrays and maps the value may nest (a scalar is depth 0)
   * @throws WitSerializationException if the value is malformed, cut short, or nested deeper
   */
  static int skip(byte[] b, int from, int limit, int maxDepth) {
    // a value of n bytes nests n levels at most: a short one needs no depth bookkeeping
    boolean track = limit - from > maxDepth;
    long[] enclosing = null; // values still to come in each enclosing container (tracked)
    int depth = 0;
    long left = 1; // values still to come: in the innermost container, or in all (untracked)
    int pos = from;
    while (true) {
      // the common case in a tight loop: fixed-size values that fit in what is left
      while (left > 0 && pos < limit) {
        int n = fixedSize(b[pos] & 0xFF);
        if (n < 0 || n > limit - pos) {
          break;
        }
        pos += n;
        left--;
      }
      if (left == 0) {
        if (depth == 0) {
          return pos;
        }
        left = enclosing[--depth];
        continue;
      }
      left--;
      if (pos >= limit) {
        throw malformed("cut short at byte " + (pos - from));
      }
      int f = b[pos++] & 0xFF;
      int fixed = fixedSize(f);
      if (fixed >= 0) { // one that did not fit in what is left
        if (fixed - 1 > limit - pos) {
          throw malformed(
              "a value at byte " + (pos - 1 - from) + " claims more bytes than the body holds");
        }
        pos += fixed - 1;
        continue;
      }
      long size;
      if (f <= 0x8f) {
        size = 2L * (f & 0x0f);
      } else if (f <= 0x9f) {
        size = f & 0x0f;
      } else if (f == 0xdc || f == 0xdd) {
        int n = f == 0xdc ? 2 : 4;
        size = length(b, pos, n, limit, from);
        pos += n;
      } else if (f == 0xde || f == 0xdf) {
        int n = f == 0xde ? 2 : 4;
        size = 2 * length(b, pos, n, limit, from);
        pos += n;
      } else {
        pos = skipScalar(b, pos, f, limit, from);
        continue;
      }
      if (!track) {
        left += size;
        continue;
      }
      if (depth >= maxDepth) {
        throw MessagePackBodies.tooDeep(maxDepth);
      }
      if (enclosing == null) {
        enclosing = new long[Math.min(maxDepth, 16)];
      } else if (depth == enclosing.length) {
        enclosing = Arrays.copyOf(enclosing, Math.min(maxDepth, depth * 2));
      }
      enclosing[depth++] = left;
      left = size;
    }
  }

  /**
   * The bytes of a fixed-size value with format byte {@code f}, format byte included, or -1.
   * Branches rather than a table lookup, so that the processor predicts the size of the next value
   * (an array of one type) instead of waiting for each lookup.
   */
  private static int fixedSize(int f) {
    if (f <= 0x7f || f >= 0xe0) {
      return 1; // fixint
    }
    if (f >= 0xa0 && f <= 0xbf) {
      return 1 + (f & 0x1f); // fixstr
    }
    switch (f) {
      case 0xc0, 0xc2, 0xc3:
        return 1; // nil, false, true
      case 0xcc, 0xd0:
        return 2;
      case 0xcd, 0xd1, 0xd4:
        return 3; // (u)int 16; fixext 1: type and data
      case 0xd5:
        return 4;
      case 0xca, 0xce, 0xd2:
        return 5;
      case 0xd6:
        return 6;
      case 0xcb, 0xcf, 0xd3:
        return 9;
      case 0xd7:
        return 10;
      case 0xd8:
        return 18;
      default:
        return -1;
    }
  }

  /** The offset after the str, bin or ext value whose format byte {@code f} was before pos. */
  private static int skipScalar(byte[] b, int pos, int f, int limit, int from) {
    long header;
    long payload;
    switch (f) {
      case 0xc4, 0xd9 -> { // bin 8, str 8
        header = 1;
        payload = length(b, pos, 1, limit, from);
      }
      case 0xc5, 0xda -> {
        header = 2;
        payload = length(b, pos, 2, limit, from);
      }
      case 0xc6, 0xdb -> {
        header = 4;
        payload = length(b, pos, 4, limit, from);
      }
      case 0xc7 -> { // ext 8: length, type, data
        header = 2;
        payload = length(b, pos, 1, limit, from);
      }
      case 0xc8 -> {
        header = 3;
        payload = length(b, pos, 2, limit, from);
      }
      case 0xc9 -> {
        header = 5;
        payload = length(b, pos, 4, limit, from);
      }
      default -> throw malformed("format byte 0x" + Integer.toHexString(f) + " is never used");
    }
    long end = pos + header + payload;
    if (end > limit) {
      throw malformed(
          "a value at byte " + (pos - 1 - from) + " claims more bytes than the body holds");
    }
    return (int) end;
  }

  /** The unsigned big-endian length of {@code n} bytes at {@code pos}. */
  private static long length(byte[] b, int pos, int n, int limit, int from) {
    if (limit - pos < n) {
      throw malformed("cut short at byte " + (pos - from));
    }
    long v = 0;
    for (int i = 0; i < n; i++) {
      v = (v << 8) | (b[pos + i] & 0xFF);
    }
    return v;
  }

  private static WitSerializationException malformed(String why) {
    return new WitSerializationException("msgpack body is malformed: " + why);
  }
}
