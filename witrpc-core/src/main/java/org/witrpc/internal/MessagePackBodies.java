package org.witrpc.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;
import org.witrpc.WitSerializationException;
import org.witrpc.spi.ValueSpan;

/**
 * The MessagePack body of a frame with large {@code byte[]} values, written and read value by value
 * with msgpack-core so that those arrays are copied once per side instead of three times: written,
 * a large {@code byte[]} value is a binary header in the frame followed by the caller's array
 * appended by reference ({@link FrameBuffer#writeReference}, sent with a gathering write); read,
 * its payload is copied straight from the received frame into the new array. Every other value goes
 * through Jackson as usual. The bytes are the same MessagePack array Jackson writes, so either side
 * may use either path.
 *
 * <p>It also checks every body before Jackson sees it: one well-formed value, nested no deeper than
 * the limit (Jackson's JSON parser checks its {@code StreamReadConstraints.maxNestingDepth}; its
 * MessagePack parser does not), walked without recursion, so no lying length is believed and no
 * body can make a decoder recurse out of its thread's stack.
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
final class MessagePackBodies {
  /** A {@code byte[]} value from this size on goes by reference. */
  static final int LARGE_BYTES = 64 << 10;

  /** Writes or reads one value through Jackson. */
  interface ValueCodec {
    void write(OutputStream out, Object value, Type type) throws IOException;

    /** Reads the one value in {@code encoded}; {@code index} is for error messages. */
    Object read(ByteBuffer encoded, int index, Type type);
  }

  private MessagePackBodies() {}

  /** Whether a value is a {@code byte[]} large enough to be worth this path. */
  static boolean hasLargeBytes(Object[] values, Type[] types) {
    for (int i = 0; i < values.length; i++) {
      if (isLargeBytes(values[i], types[i])) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code value} goes by reference: a large array declared as {@code byte[]}. */
  static boolean isLargeBytes(Object value, Type type) {
    return type == byte[].class && value instanceof byte[] b && b.length >= LARGE_BYTES;
  }

  /** Writes {@code values} as one MessagePack array, large byte arrays by reference. */
  static void write(FrameBuffer out, Object[] values, Type[] types, ValueCodec codec)
      throws IOException {
    MessagePacker packer = MessagePack.newDefaultPacker(out);
    packer.packArrayHeader(values.length);
    for (int i = 0; i < values.length; i++) {
      if (isLargeBytes(values[i], types[i])) {
        byte[] bytes = (byte[]) values[i];
        packer.packBinaryHeader(bytes.length);
        packer.flush();
        out.writeReference(bytes, 0, bytes.length);
      } else if (values[i] == null) {
        packer.packNil();
      } else {
        packer.flush();
        codec.write(out, values[i], types[i]);
      }
    }
    packer.flush();
  }

  /**
   * Reads a MessagePack array of {@code types.length} values from {@code body} (which must have an
   * array); binary values of {@code byte[]} parameters are copied straight out of it. The body, its
   * own array included, may nest at most {@code maxDepth} arrays and maps.
   *
   * @throws WitSerializationException if the body is malformed or does not match {@code types}
   */
  static Object[] read(ByteBuffer body, Type[] types, int maxDepth, ValueCodec codec) {
    return read(body, types, maxDepth, codec, null);
  }

  /**
   * As {@link #read(ByteBuffer, Type[], int, ValueCodec)}, for a body one large value of which was
   * received apart (the body lacks its payload): the binary value of a {@code byte[]} parameter
   * whose payload belongs at {@code received.at()} and has its length is {@code received.bytes()}
   * itself.
   *
   * @throws NotTaken if {@code received} is not null and no value was taken from it: then the body
   *     was read without the value's bytes, and the values are not to be used
   */
  static Object[] read(
      ByteBuffer body, Type[] types, int maxDepth, ValueCodec codec, ReceivedValue received) {
    boolean taken = false;
    byte[] array = body.array();
    int start = body.arrayOffset() + body.position();
    int length = body.remaining();
    Object[] values = new Object[types.length];
    try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(array, start, length)) {
      if (!unpacker.hasNext() || unpacker.getNextFormat().getValueType() != ValueType.ARRAY) {
        throw new WitSerializationException("msgpack body is not a sequence of values");
      }
      int count = unpacker.unpackArrayHeader();
      for (int i = 0; i < types.length; i++) {
        if (i >= count || !unpacker.hasNext()) {
          throw new WitSerializationException(
              "msgpack body has " + i + " values, expected " + types.length);
        }
        if (types[i] == byte[].class
            && unpacker.getNextFormat().getValueType() == ValueType.BINARY) {
          int size = unpacker.unpackBinaryHeader();
          if (received != null
              && !taken
              && received.belongsAt(array, start + unpacker.getTotalReadBytes())
              && received.bytes().length == size) {
            values[i] = received.bytes(); // its payload is not in the body
            taken = true;
            continue;
          }
          if (size > length - unpacker.getTotalReadBytes()) {
            throw new WitSerializationException(
                "msgpack value " + i + " claims " + size + " bytes, more than the body holds");
          }
          values[i] = unpacker.readPayload(size);
        } else {
          int from = (int) unpacker.getTotalReadBytes();
          // checked without recursion first (well formed, inside the body, nested within the
          // limit; the body's own array is one level), so the unpacker's skip is safe
          int to =
              MessagePackWalker.skip(array, start + from, start + length, maxDepth - 1) - start;
          unpacker.skipValue();
          values[i] = codec.read(ByteBuffer.wrap(array, start + from, to - from), i, types[i]);
        }
      }
      if (count != types.length || unpacker.hasNext()) {
        throw new WitSerializationException(
            "msgpack body has more than the expected " + types.length + " values");
      }
    } catch (WitSerializationException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new WitSerializationException("msgpack serializer cannot decode values: " + e, e);
    }
    if (received != null && !taken) {
      throw new NotTaken();
    }
    body.position(body.limit());
    return values;
  }

  /** {@link #read} read a body without taking the value received apart for it. */
  static final class NotTaken extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotTaken() {
      super("the value received apart was not where the body's values put it", null, false, false);
    }
  }

  /**
   * Where the first {@code byte[]} value of at least {@code minBytes} lies in a body of {@code
   * types.length} values that {@link #read} would read, if its payload starts within {@code
   * bytes[from..limit)} (the first bytes of the body): the payload's index in {@code bytes} and its
   * length; null if there is none, or it starts later, or the bytes are not such a body.
   */
  static ValueSpan largeBytesSpan(
      byte[] bytes, int from, int limit, Type[] types, int minBytes, int maxDepth) {
    try {
      int pos = from;
      if (pos >= limit) {
        return null;
      }
      int f = bytes[pos] & 0xff;
      long count;
      if (f >= 0x90 && f <= 0x9f) {
        count = f & 0x0f;
        pos += 1;
      } else if ((f == 0xdc || f == 0xdd) && pos + (f == 0xdc ? 3 : 5) <= limit) {
        count = unsigned(bytes, pos + 1, f == 0xdc ? 2 : 4);
        pos += f == 0xdc ? 3 : 5;
      } else {
        return null;
      }
      for (int i = 0; i < Math.min(count, types.length) && pos < limit; i++) {
        f = bytes[pos] & 0xff;
        if (types[i] == byte[].class && f >= 0xc4 && f <= 0xc6) {
          int n = 1 << (f - 0xc4); // bin 8/16/32: 1, 2 or 4 length bytes
          if (pos + 1 + n > limit) {
            return null;
          }
          long size = unsigned(bytes, pos + 1, n);
          int payload = pos + 1 + n;
          if (size >= minBytes) {
            return size > Integer.MAX_VALUE - payload ? null : new ValueSpan(payload, (int) size);
          }
          if (size > limit - payload) {
            return null;
          }
          pos = payload + (int) size;
        } else {
          pos = MessagePackWalker.skip(bytes, pos, limit, maxDepth - 1);
        }
      }
      return null;
    } catch (WitSerializationException cutShortOrMalformed) {
      return null;
    }
  }

  private static long unsigned(byte[] b, int at, int n) {
    long v = 0;
    for (int i = 0; i < n; i++) {
      v = (v << 8) | (b[at + i] & 0xff);
    }
    return v;
  }

  /**
   * Checks that {@code body} (its remaining bytes; not changed) is exactly one well-formed
   * MessagePack value nested at most {@code maxDepth} arrays and maps deep, without allocating
   * anything it claims: Jackson's MessagePack parser allocates a string's or binary's length before
   * it has seen the bytes, so a lying 2 GiB length in an 8-byte body would be an {@link
   * OutOfMemoryError}; and it follows nesting as deep as it comes, so a body of 100,000 nested
   * arrays would be a {@link StackOverflowError} in whatever recurses over the value.
   *
   * @throws WitSerializationException if it is not
   */
  static void requireOneValue(ByteBuffer body, int maxDepth) {
    byte[] bytes;
    int start;
    if (body.hasArray()) {
      bytes = body.array();
      start = body.arrayOffset() + body.position();
    } else {
      bytes = new byte[body.remaining()];
      body.duplicate().get(bytes);
      start = 0;
    }
    int limit = start + body.remaining();
    if (MessagePackWalker.skip(bytes, start, limit, maxDepth) != limit) {
      throw new WitSerializationException("msgpack body has bytes after its values");
    }
  }

  /** The error for a body nested deeper than {@code maxDepth}, worded as Jackson's JSON one. */
  static WitSerializationException tooDeep(int maxDepth) {
    return new WitSerializationException(
        "msgpack body nesting depth exceeds the maximum allowed ("
            + maxDepth
            + ", from StreamReadConstraints.getMaxNestingDepth() of the serializer's mapper)");
  }
}
