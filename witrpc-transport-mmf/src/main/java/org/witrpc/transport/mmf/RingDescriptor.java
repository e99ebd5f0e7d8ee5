package org.witrpc.transport.mmf;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.witrpc.WitTransportException;

/**
 * Layout of one shared-memory mapping: a file header followed by two single-producer
 * single-consumer rings, one per direction. All offsets are from the start of the mapping; all
 * multi-byte fields are in native byte order (both peers run on the same machine).
 *
 * <pre>
 *  offset                                                      (one mapping, total length L)
 *  0     +--------------------------------------------------+
 *        | magic "WITRPMMF" (8)  | version (4) | hdr len (4)|  file header, 128 bytes
 *  16    | total length L (8)    | ring capacity C (8)      |
 *  32    | server max frame (4)  | client max frame (4)     |
 *  40    | reserved (88)                                    |
 *  128   +==================================================+
 *        | ring 0: client -> server                         |
 *        |   +0    tail  (8)  producer position, own line   |  each field sits alone on a
 *        |   +128  head  (8)  consumer position, own line   |  128-byte stride: two 64-byte
 *        |   +256  reader waiting flag (8), own line        |  cache lines, so neither false
 *        |   +384  writer waiting flag (8), own line        |  sharing nor the adjacent-line
 *        |   +512  data: C bytes (C a power of two)         |  prefetcher couples them
 *  128+512+C +==============================================+
 *        | ring 1: server -> client (same layout)           |
 *  L     +--------------------------------------------------+
 *        L = 128 + 2 * (512 + C)
 * </pre>
 *
 * <p>Each side announces the largest frame it accepts (server before the handshake reply, client
 * before its acknowledgement), so that a sender refuses a frame its peer would refuse, clearly and
 * without breaking the connection. 0 means not announced (a peer predating the fields, which were
 * reserved and zero in the same version 1): then only the sender's own limit applies.
 *
 * <p>Positions (tail, head) are byte counts since the start, never wrapped; the index of a position
 * in the data area is {@code position & (C - 1)}. The producer owns tail, the consumer owns head;
 * each side only reads the other's counter. See {@link RingBuffer} for the records.
 *
 * <p>Thread safety: stateless; all methods are safe for concurrent use.
 */
final class RingDescriptor {
  /** "WITRPMMF" as a big-endian long. */
  static final long MAGIC = 0x5749545250_4D4D46L;

  static final int VERSION = 1;

  static final int CACHE_LINE = 64;

  /** Distance between two independently written fields: two cache lines. */
  static final int FIELD_STRIDE = 2 * CACHE_LINE;

  static final int MAGIC_OFFSET = 0;
  static final int VERSION_OFFSET = 8;
  static final int HEADER_LENGTH_OFFSET = 12;
  static final int TOTAL_LENGTH_OFFSET = 16;
  static final int CAPACITY_OFFSET = 24;
  static final int SERVER_MAX_FRAME_OFFSET = 32;
  static final int CLIENT_MAX_FRAME_OFFSET = 36;
  static final int HEADER_LENGTH = 128;

  private static final VarHandle INTS =
      MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

  static final int TAIL_OFFSET = 0;
  static final int HEAD_OFFSET = FIELD_STRIDE;
  static final int READER_WAITING_OFFSET = 2 * FIELD_STRIDE;
  static final int WRITER_WAITING_OFFSET = 3 * FIELD_STRIDE;
  static final int DATA_OFFSET = 4 * FIELD_STRIDE;

  /** Ring written by the client, read by the server. */
  static final int CLIENT_TO_SERVER = 0;

  /** Ring written by the server, read by the client. */
  static final int SERVER_TO_CLIENT = 1;

  static final int MIN_CAPACITY = 1024;

  /** Keeps the whole mapping below 2 GiB, the limit of one {@link ByteBuffer}. */
  static final int MAX_CAPACITY = 1 << 29;

  private RingDescriptor() {}

  /** Total mapping length for two rings of {@code capacity} bytes each. */
  static int totalLength(int capacity) {
    checkCapacity(capacity);
    return HEADER_LENGTH + 2 * (DATA_OFFSET + capacity);
  }

  /**
   * The ring capacity for a requested per-connection size: half of it, rounded down to a power of
   * two, within [{@link #MIN_CAPACITY}, {@link #MAX_CAPACITY}]; a size outside twice that range is
   * refused.
   */
  static int capacityForSize(long size) {
    if (size < 2L * MIN_CAPACITY) {
      throw new IllegalArgumentException(
          "shared-memory size " + size + " is too small; the minimum is " + 2 * MIN_CAPACITY);
    }
    if (size > 2L * MAX_CAPACITY) {
      throw new IllegalArgumentException(
          "shared-memory size "
              + size
              + " is too large; the maximum is 1 GiB ("
              + 2L * MAX_CAPACITY
              + ")");
    }
    return (int) Long.highestOneBit(size / 2);
  }

  /** Offset of ring {@code direction} (0 or 1) in a mapping with rings of {@code capacity}. */
  static int ringOffset(int direction, int capacity) {
    if (direction != CLIENT_TO_SERVER && direction != SERVER_TO_CLIENT) {
      throw new IllegalArgumentException("direction must be 0 or 1: " + direction);
    }
    return HEADER_LENGTH + direction * (DATA_OFFSET + capacity);
  }

  /**
   * Writes the header of a new mapping, whose bytes are all zero (a new file): both rings' counters
   * and flags start at zero as they are, so their pages are left untouched (each page written here
   * would be allocated and zeroed by the kernel on the connect's path).
   */
  static void initialize(ByteBuffer mapping, int capacity) {
    int total = totalLength(capacity);
    if (mapping.capacity() < total) {
      throw new IllegalArgumentException(
          "mapping of " + mapping.capacity() + " bytes is smaller than " + total);
    }
    putHeader(mapping.duplicate().order(ByteOrder.nativeOrder()), capacity);
  }

  /**
   * The header of a new mapping with rings of {@code capacity} bytes that announces {@code
   * serverMaxFrameSize}, as the {@link #HEADER_LENGTH} bytes to write at the start of its file
   * (position 0 to limit).
   */
  static ByteBuffer header(int capacity, int serverMaxFrameSize) {
    ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.nativeOrder());
    b.putInt(SERVER_MAX_FRAME_OFFSET, serverMaxFrameSize);
    putHeader(b, capacity);
    return b;
  }

  private static void putHeader(ByteBuffer b, int capacity) {
    b.putInt(VERSION_OFFSET, VERSION).putInt(HEADER_LENGTH_OFFSET, HEADER_LENGTH);
    b.putLong(TOTAL_LENGTH_OFFSET, totalLength(capacity)).putLong(CAPACITY_OFFSET, capacity);
    // Magic last: a peer that sees it sees a complete header.
    b.putLong(MAGIC_OFFSET, MAGIC);
  }

  /**
   * Checks the header of a mapping of {@code fileLength} bytes opened from another process, and
   * returns its ring capacity. Reads only within the buffer's bounds, whatever the header says.
   *
   * @throws WitTransportException naming the first field that is wrong
   */
  static int validate(ByteBuffer mapping, long fileLength) {
    if (fileLength < HEADER_LENGTH || mapping.capacity() < HEADER_LENGTH) {
      throw corrupt("file of " + fileLength + " bytes is shorter than the header");
    }
    ByteBuffer b = mapping.duplicate().order(ByteOrder.nativeOrder());
    long magic = b.getLong(MAGIC_OFFSET);
    if (magic != MAGIC) {
      throw corrupt("bad magic 0x" + Long.toHexString(magic) + " (not a witrpc mmf file)");
    }
    int version = b.getInt(VERSION_OFFSET);
    if (version != VERSION) {
      throw corrupt("unsupported version " + version + "; this side speaks version " + VERSION);
    }
    int headerLength = b.getInt(HEADER_LENGTH_OFFSET);
    if (headerLength != HEADER_LENGTH) {
      throw corrupt("header length " + headerLength + ", expected " + HEADER_LENGTH);
    }
    long capacity = b.getLong(CAPACITY_OFFSET);
    if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY || Long.bitCount(capacity) != 1) {
      throw corrupt("ring capacity " + capacity + " is not a power of two in [1 KiB, 512 MiB]");
    }
    long total = b.getLong(TOTAL_LENGTH_OFFSET);
    long expected = totalLength((int) capacity);
    if (total != expected) {
      throw corrupt("total length " + total + " does not match capacity " + capacity);
    }
    if (total > fileLength || total > mapping.capacity()) {
      throw corrupt("total length " + total + " does not fit the file of " + fileLength + " bytes");
    }
    return (int) capacity;
  }

  /**
   * Announces the largest frame this side accepts, at {@link #SERVER_MAX_FRAME_OFFSET} or {@link
   * #CLIENT_MAX_FRAME_OFFSET}. Release store; the handshake message sent after it publishes it.
   */
  static void announceMaxFrameSize(ByteBuffer mapping, int offset, int maxFrameSize) {
    INTS.setRelease(mapping, offset, maxFrameSize);
  }

  /**
   * The largest frame the peer announced at {@code offset}, or 0 if it announced none.
   *
   * @throws WitTransportException if the announced value is impossible
   */
  static int announcedMaxFrameSize(ByteBuffer mapping, int offset) {
    int max = (int) INTS.getAcquire(mapping, offset);
    if (max != 0 && max < 16) {
      throw corrupt("announced maximum frame size " + max + " is below the minimum of 16");
    }
    return max;
  }

  private static void checkCapacity(int capacity) {
    if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY || Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException(
          "ring capacity must be a power of two in [1 KiB, 512 MiB]: " + capacity);
    }
  }

  private static WitTransportException corrupt(String what) {
    return new WitTransportException("corrupt shared-memory header: " + what);
  }
}
