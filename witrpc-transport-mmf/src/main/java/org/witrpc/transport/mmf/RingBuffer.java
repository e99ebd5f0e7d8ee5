package org.witrpc.transport.mmf;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.SoftReference;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.WitTransportException;
import org.witrpc.internal.FrameBufferGrowth;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.ValueSpan;

/**
 * One single-producer single-consumer ring of frames in a region laid out by {@link
 * RingDescriptor}. One process writes (one thread at a time, serialized by the caller), the other
 * reads (one thread at a time).
 *
 * <p>Records are 8-byte aligned, each starting with an 8-byte header: bits 0-31 the number of frame
 * bytes in the record, bits 32-63 the record type. A frame that fits in the free contiguous space
 * is one {@link #FRAME} record; a larger one is cut into {@link #FIRST} (its header is followed by
 * the 8-byte total frame length), {@link #MIDDLE}... and {@link #LAST} records, written as space
 * frees up, so any frame passes through any ring. A {@link #PADDING} record fills the space up to
 * the end of the data area when the next record does not fit there; records never wrap.
 *
 * <p>Ordering: the producer writes records with plain stores and then publishes them with a release
 * store of tail; the consumer reads tail with an acquire load, so it sees every record byte before
 * tail. Symmetrically the consumer frees space with a release store of head. The waiting flags use
 * the Dekker pattern: store the flag, full fence, re-check the counter on one side; store the
 * counter, full fence, load the flag on the other. One of the two must see the other's store, so a
 * waiter either sees the progress or is woken ({@code wakeReader} / {@code wakeWriter}); no wake-up
 * is lost.
 *
 * <p>Everything read from shared memory is validated: a corrupt record or counter ends in a {@link
 * WitTransportException}, never an out-of-bounds access or an oversized allocation.
 *
 * <p>The consumer accepts frames up to its read limit ({@link #limitReadFrames}; the maximum frame
 * size unless lowered). A fragmented frame is not allocated whole at its FIRST record: its buffer
 * grows as fragments arrive, as {@link FrameBufferGrowth} says (a peer that announces 256 MiB and
 * sends one small fragment costs 1 MiB, 3 MiB if its frame starts with a large value received
 * apart).
 *
 * <p>A frame of {@link #RECYCLED_FRAME_BYTES} or more may be received into a buffer given back
 * ({@link #recycle}) by whoever was done with the previous large frame: then no new (zeroed) array
 * is allocated and the frame is not copied again as its buffer grows. Whoever gives a buffer back
 * has finished with it, so a frame still read elsewhere (handed to another thread while later ones
 * arrive) is never overwritten. Only the buffer of the latest large frame delivered is taken, and
 * once: the ring holds at most one spare (softly) and remembers the latest large frame weakly (a
 * frame never given back is not pinned); a buffer it did not hand out, or a second give-back of the
 * same frame before the ring delivers another large one, is ignored. A give-back after that would
 * hand over a buffer in use again: callers give each frame back once, after its last read.
 *
 * <p>Thread safety: the writer methods and the reader methods may run in two different threads (or
 * processes) at once; each group must be confined to one thread at a time. {@link #recycle} may be
 * called from any thread.
 */
final class RingBuffer {
  private static final Logger LOG = LoggerFactory.getLogger(RingBuffer.class);

  static final int RECORD_HEADER_LENGTH = 8;
  static final int TOTAL_LENGTH_FIELD = 8;
  static final int ALIGNMENT = 8;

  static final int FRAME = 1;
  static final int FIRST = 2;
  static final int MIDDLE = 3;
  static final int LAST = 4;
  static final int PADDING = 5;

  /** Frames this process's rings delivered with a value apart ({@link #receiveValuesApart}). */
  static final LongAdder VALUES_APART = new LongAdder();

  /** Frames from this size on are received into a recycled buffer where one is given back. */
  static final int RECYCLED_FRAME_BYTES = 1 << 20;

  private static final VarHandle LONGS =
      MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

  /** Receives the ring's frames: whole, or with a large value received apart. */
  @FunctionalInterface
  interface FrameSink {
    /**
     * A complete frame (position 0, limit = length); if {@code span} is not null, the frame without
     * the span's bytes, which {@code value} holds (see {@link FrameListener#onFrame(ByteBuffer,
     * ValueSpan, byte[])}).
     */
    void accept(ByteBuffer frame, ValueSpan span, byte[] value);
  }

  /** Waits until the ring has at least {@code bytes} free, or throws if the connection closed. */
  @FunctionalInterface
  interface SpaceWaiter {
    void awaitFree(int bytes);
  }

  private final ByteBuffer buffer;
  private final int capacity;
  private final int mask;
  private final int tailOffset;
  private final int headOffset;
  private final int readerWaitingOffset;
  private final int writerWaitingOffset;
  private final int dataOffset;
  private final int maxFrameSize;
  private final int minFragment;
  private final Runnable wakeReader;
  private final Runnable wakeWriter;

  // Producer state (one writer thread at a time).
  private long writerTail;
  private long lastHeadSeen;

  // Consumer state (one reader thread at a time).
  private long readerHead;
  private long lastTailSeen;
  private ByteBuffer assembling;
  private int assemblingTotal;
  private volatile int readLimit;

  /** Asked where a large frame's value lies ({@link #receiveValuesApart}); null: never. */
  private volatile FrameListener valueLocator;

  /** The frame bytes received so far of the frame being assembled, its value's included. */
  private int assembled;

  /** The span of the frame being assembled whose bytes go to {@link #value}, or null. */
  private ValueSpan valueSpan;

  /** The array of {@link #valueSpan}'s bytes (made with the first of them); null before. */
  private byte[] value;

  /** How many of the value's bytes {@link #value} holds. */
  private int valueHeld;

  /**
   * The first ({@link #STAGING_BYTES}) array of an earlier value that outgrew it, for the next one:
   * no new array and no zeroing for the first bytes of each large value. Held softly.
   */
  private SoftReference<byte[]> staging;

  /**
   * The array of the latest large frame delivered, the only one {@link #recycle} takes back; held
   * weakly: a frame nobody gives back (an event, an error reply, a frame a user serializer decoded)
   * must not stay pinned by the ring.
   */
  private final AtomicReference<WeakReference<byte[]>> lastLargeDelivered = new AtomicReference<>();

  /** A large frame's array given back, for the next large frame. */
  private final AtomicReference<SoftReference<byte[]>> spare = new AtomicReference<>();

  /**
   * @param buffer the whole mapping (8-byte aligned, as a mapped or direct buffer is)
   * @param ringOffset offset of the ring, from {@link RingDescriptor#ringOffset}
   * @param capacity data capacity, a power of two
   * @param wakeReader called by the producer when the consumer waits for data
   * @param wakeWriter called by the consumer when the producer waits for space
   */
  RingBuffer(
      ByteBuffer buffer,
      int ringOffset,
      int capacity,
      int maxFrameSize,
      Runnable wakeReader,
      Runnable wakeWriter) {
    this.buffer = Objects.requireNonNull(buffer, "buffer == null");
    if (Integer.bitCount(capacity) != 1 || capacity < RingDescriptor.MIN_CAPACITY) {
      throw new IllegalArgumentException("capacity must be a power of two >= 1 KiB: " + capacity);
    }
    if (ringOffset < 0 || ringOffset % ALIGNMENT != 0) {
      throw new IllegalArgumentException("ringOffset must be 8-byte aligned: " + ringOffset);
    }
    if ((long) ringOffset + RingDescriptor.DATA_OFFSET + capacity > buffer.capacity()) {
      throw new IllegalArgumentException("ring does not fit the buffer");
    }
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.tailOffset = ringOffset + RingDescriptor.TAIL_OFFSET;
    this.headOffset = ringOffset + RingDescriptor.HEAD_OFFSET;
    this.readerWaitingOffset = ringOffset + RingDescriptor.READER_WAITING_OFFSET;
    this.writerWaitingOffset = ringOffset + RingDescriptor.WRITER_WAITING_OFFSET;
    this.dataOffset = ringOffset + RingDescriptor.DATA_OFFSET;
    this.maxFrameSize = maxFrameSize;
    this.readLimit = maxFrameSize;
    this.minFragment = Math.max(64, Math.min(capacity / 8, 4096));
    this.wakeReader = Objects.requireNonNull(wakeReader, "wakeReader == null");
    this.wakeWriter = Objects.requireNonNull(wakeWriter, "wakeWriter == null");
    this.writerTail = (long) LONGS.getAcquire(buffer, tailOffset);
    this.lastHeadSeen = (long) LONGS.getAcquire(buffer, headOffset);
    this.readerHead = lastHeadSeen;
    this.lastTailSeen = writerTail;
    // Off the 8-byte grid, a record header could straddle the end of the data area.
    if (readerHead < 0
        || writerTail < readerHead
        || writerTail - readerHead > capacity
        || (readerHead | writerTail) % ALIGNMENT != 0) {
      throw corrupt("counters tail=" + writerTail + " head=" + readerHead + " are inconsistent");
    }
  }

  int capacity() {
    return capacity;
  }

  // ---------------------------------------------------------------- producer side

  /**
   * Writes one frame made of the remaining bytes of {@code parts} (advancing their positions),
   * waiting through {@code waiter} while the ring is full.
   */
  void write(ByteBuffer[] parts, int frameLength, SpaceWaiter waiter) {
    if (frameLength < 0 || frameLength > maxFrameSize) {
      throw new WitTransportException(
          "frame of " + frameLength + " bytes exceeds the maximum frame size " + maxFrameSize);
    }
    writeRecords(parts, frameLength, frameLength, true, waiter);
  }

  /**
   * Writes the rest of a frame whose first fragment is already published: the remaining bytes of
   * {@code parts} ({@code remaining} of them) as {@link #MIDDLE}... and {@link #LAST} records. For
   * a writer that stopped waiting half-way through {@link #write} (the waiter threw): every byte
   * that {@code write} took from the parts is published, the rest is still in them.
   */
  void writeRest(ByteBuffer[] parts, int remaining, SpaceWaiter waiter) {
    writeRecords(parts, -1, remaining, false, waiter);
  }

  private void writeRecords(
      ByteBuffer[] parts, int frameLength, int remaining, boolean first, SpaceWaiter waiter) {
    while (true) {
      long free = freeBytes();
      int index = (int) (writerTail & mask);
      int toEnd = capacity - index;
      int contiguous = (int) Math.min(free, toEnd);
      long whole = align((long) RECORD_HEADER_LENGTH + remaining);
      if (whole <= contiguous) {
        putRecord(index, first ? FRAME : LAST, remaining, parts, 0);
        publish((int) whole);
        return;
      }
      int overhead = RECORD_HEADER_LENGTH + (first ? TOTAL_LENGTH_FIELD : 0);
      if (contiguous >= overhead + minFragment) {
        int chunk = (contiguous - overhead) & ~(ALIGNMENT - 1);
        putRecord(index, first ? FIRST : MIDDLE, chunk, parts, first ? frameLength : -1);
        publish(overhead + chunk);
        remaining -= chunk;
        first = false;
      } else if (toEnd < overhead + minFragment && toEnd < whole) {
        if (free >= toEnd) {
          LONGS.set(buffer, dataOffset + index, header(PADDING, toEnd - RECORD_HEADER_LENGTH));
          publish(toEnd);
        } else {
          waiter.awaitFree(toEnd);
        }
      } else {
        waiter.awaitFree((int) Math.min(whole, overhead + minFragment));
      }
    }
  }

  /** Free bytes as the producer sees them. */
  long freeBytes() {
    long head = (long) LONGS.getAcquire(buffer, headOffset);
    if (head < lastHeadSeen || head > writerTail) {
      throw corrupt(
          "head " + head + " went backwards or past tail " + writerTail + " (was " + lastHeadSeen);
    }
    lastHeadSeen = head;
    return capacity - (writerTail - head);
  }

  /** Producer announces that it waits for space; the caller must re-check {@link #freeBytes}. */
  void announceWriterWaiting() {
    LONGS.setVolatile(buffer, writerWaitingOffset, 1L);
    // Full fence: the flag store must be visible before we re-read head (Dekker with the reader).
    VarHandle.fullFence();
  }

  void clearWriterWaiting() {
    LONGS.setRelease(buffer, writerWaitingOffset, 0L);
  }

  private void putRecord(int index, int type, int length, ByteBuffer[] parts, int total) {
    int at = dataOffset + index + RECORD_HEADER_LENGTH;
    if (type == FIRST) {
      LONGS.set(buffer, at, (long) total);
      at += TOTAL_LENGTH_FIELD;
    }
    gather(parts, at, length);
    LONGS.set(buffer, dataOffset + index, header(type, length));
  }

  private void gather(ByteBuffer[] parts, int at, int length) {
    int left = length;
    for (int i = 0; i < parts.length && left > 0; i++) {
      ByteBuffer part = parts[i];
      int n = Math.min(left, part.remaining());
      if (n > 0) {
        buffer.put(at, part, part.position(), n);
        part.position(part.position() + n);
        at += n;
        left -= n;
      }
    }
    if (left != 0) {
      throw new IllegalStateException("frame parts hold fewer bytes than announced");
    }
  }

  private void publish(int recordLength) {
    writerTail += recordLength;
    // Release: every record byte written above is visible before the new tail.
    LONGS.setRelease(buffer, tailOffset, writerTail);
    // Full fence between the tail store and the flag load (Dekker, see class comment).
    VarHandle.fullFence();
    if ((long) LONGS.getVolatile(buffer, readerWaitingOffset) != 0L
        && LONGS.compareAndSet(buffer, readerWaitingOffset, 1L, 0L)) {
      wakeReader.run();
    }
  }

  // ---------------------------------------------------------------- consumer side

  /**
   * Sets the largest frame the consumer accepts (at most the maximum frame size); a larger one ends
   * in a {@link WitTransportException} before anything is allocated for it. May be called from any
   * thread; the consumer sees it from its next record on.
   */
  void limitReadFrames(int limit) {
    readLimit = Math.min(limit, maxFrameSize);
  }

  /**
   * From the next frame on, asks {@code listener} where a frame of {@link
   * FrameListener#LARGE_VALUE_FRAME_BYTES} or more holds a large value, and receives that value's
   * bytes straight into an array of its own, the frame's other bytes into the frame's buffer
   * ({@link FrameListener#onFrame(ByteBuffer, ValueSpan, byte[])}). Each of the two grows as its
   * bytes arrive ({@link FrameBufferGrowth}, {@link #nextValueCapacity}): neither holds more than 2
   * MiB or eight times the bytes it received, however long a value the peer announces. Any thread.
   */
  void receiveValuesApart(FrameListener listener) {
    valueLocator = listener;
  }

  /** True if no record is available to the consumer. */
  boolean isEmpty() {
    return readTail() == readerHead;
  }

  /** Consumer announces that it waits for data; the caller must re-check {@link #isEmpty}. */
  void announceReaderWaiting() {
    LONGS.setVolatile(buffer, readerWaitingOffset, 1L);
    // Full fence: the flag store must be visible before we re-read tail (Dekker with the writer).
    VarHandle.fullFence();
  }

  void clearReaderWaiting() {
    LONGS.setRelease(buffer, readerWaitingOffset, 0L);
  }

  /**
   * Consumes up to {@code maxRecords} available records and hands every completed frame to {@code
   * sink} (a fresh heap buffer, position 0, limit = length), after its space has been released.
   *
   * @return the number of records consumed; 0 if the ring was empty
   */
  int read(Consumer<ByteBuffer> sink, int maxRecords) {
    return read(
        (frame, span, value) -> {
          if (span == null) {
            sink.accept(frame);
          } else {
            new FrameListener() { // puts the frame back together
              @Override
              public void onFrame(ByteBuffer whole) {
                sink.accept(whole);
              }

              @Override
              public void onClosed(Throwable cause) {}
            }.onFrame(frame, span, value);
          }
        },
        maxRecords);
  }

  /**
   * As {@link #read(Consumer, int)}, handing frames whose large value was received apart to {@code
   * sink} as they are ({@link #receiveValuesApart}).
   */
  int read(FrameSink sink, int maxRecords) {
    return readBefore(readTail(), sink, maxRecords);
  }

  /**
   * The position up to which the producer has published records, as the consumer sees it now
   * (validated: at most one capacity ahead of what was consumed). With {@link #readUpTo}: what a
   * producer that ended had published by then, and nothing it writes afterwards.
   */
  long publishedTail() {
    return readTail();
  }

  /**
   * The producer's tail as it stands now, unvalidated (a hostile peer may have written anything
   * there); any thread. Only a bound on {@link #publishedTail}, never a position by itself.
   */
  long tailNow() {
    return (long) LONGS.getAcquire(buffer, tailOffset);
  }

  /**
   * As {@link #read(FrameSink, int)}, but consumes no record at or past {@code end}, a position
   * from {@link #publishedTail} or below it (records the producer publishes later stay in the
   * ring).
   *
   * @return the number of records consumed; 0 once everything before {@code end} was
   */
  int readUpTo(long end, FrameSink sink, int maxRecords) {
    return readBefore(end, sink, maxRecords);
  }

  /** Consumes records before {@code tail}, a position validated by {@link #readTail}. */
  private int readBefore(long tail, FrameSink sink, int maxRecords) {
    int consumed = 0;
    while (readerHead < tail && consumed < maxRecords) {
      int index = (int) (readerHead & mask);
      long header = (long) LONGS.get(buffer, dataOffset + index);
      int length = (int) header;
      int type = (int) (header >>> 32);
      long available = tail - readerHead;
      long limit = Math.min(available, capacity - index);
      int extra = type == FIRST ? TOTAL_LENGTH_FIELD : 0;
      long recordLength = align((long) RECORD_HEADER_LENGTH + extra + (length & 0xFFFFFFFFL));
      if (type < FRAME || type > PADDING || length < 0 || recordLength > limit) {
        throw corrupt(
            "record at position "
                + readerHead
                + " has type "
                + type
                + " and length "
                + length
                + " but only "
                + limit
                + " bytes are readable there");
      }
      int payload = dataOffset + index + RECORD_HEADER_LENGTH + extra;
      ByteBuffer complete = take(type, length, payload, recordLength, index);
      readerHead += recordLength;
      consumed++;
      release();
      if (complete != null) {
        if (complete.capacity() >= RECYCLED_FRAME_BYTES) {
          lastLargeDelivered.set(new WeakReference<>(complete.array()));
        }
        ValueSpan span = valueSpan;
        byte[] apart = value;
        valueSpan = null;
        value = null;
        if (span != null) {
          VALUES_APART.increment();
        }
        sink.accept(complete, span, apart);
      }
    }
    return consumed;
  }

  private ByteBuffer take(int type, int length, int payload, long recordLength, int index) {
    switch (type) {
      case PADDING:
        if (recordLength != capacity - index) {
          throw corrupt("padding record at index " + index + " does not reach the end");
        }
        return null;
      case FRAME:
        expectAssembling(false, type);
        checkFrameSize(length);
        clearValue(); // nothing of a frame that failed half-way carries over
        if (length >= FrameListener.LARGE_VALUE_FRAME_BYTES
            && locateValue(buffer.slice(payload, length), length)) {
          assemblingTotal = length;
          int frameBytes = length - valueSpan.length();
          assembling = receiveBuffer(frameBytes, frameBytes);
          value = new byte[valueSpan.length()]; // every byte of it is here
          receive(payload, length);
          return assembled();
        }
        ByteBuffer frame = receiveBuffer(length, length);
        frame.put(0, buffer, payload, length);
        return frame.limit(length);
      case FIRST:
        expectAssembling(false, type);
        long total = (long) LONGS.get(buffer, payload - TOTAL_LENGTH_FIELD);
        if (total <= length) {
          throw corrupt(
              "fragmented frame of " + total + " bytes is not longer than its first fragment");
        }
        checkFrameSize(total);
        clearValue();
        assemblingTotal = (int) total;
        if (assemblingTotal >= FrameListener.LARGE_VALUE_FRAME_BYTES) {
          locateValue(buffer.slice(payload, length), assemblingTotal);
        }
        int frameBytes = frameBytes();
        int firstFrameBytes = length - valueBytesIn(0, length); // the fragment's, not its value's
        assembling =
            receiveBuffer(
                frameBytes,
                Math.max(
                    Math.min(firstFrameBytes, frameBytes),
                    FrameBufferGrowth.firstCapacity(frameBytes)));
        // a recycled buffer may be larger than the frame: it ends where the frame does
        assembling.limit(Math.min(assembling.capacity(), frameBytes));
        receive(payload, length);
        return null;
      default: // MIDDLE or LAST
        expectAssembling(true, type);
        int left = assemblingTotal - assembled;
        if (type == MIDDLE ? length >= left : length != left) {
          throw corrupt("fragment of " + length + " bytes with " + left + " bytes missing");
        }
        receive(payload, length);
        return type == MIDDLE ? null : assembled();
    }
  }

  /** Forgets the value of a frame, delivered or not. */
  private void clearValue() {
    valueSpan = null;
    value = null;
    valueHeld = 0;
    assembled = 0;
  }

  /** How many of the frame's bytes {@code [at, at + length)} belong to its value apart. */
  private int valueBytesIn(int at, int length) {
    ValueSpan span = valueSpan;
    return span == null
        ? 0
        : Math.max(0, Math.min(at + length, span.end()) - Math.max(at, span.offset()));
  }

  /** The frame assembled, without its value's bytes if it has a value apart; resets. */
  private ByteBuffer assembled() {
    ByteBuffer done = assembling.flip();
    assembling = null;
    assembled = 0;
    valueHeld = 0;
    return done;
  }

  /** The bytes of the frame being assembled that go to its buffer: all but its value's. */
  private int frameBytes() {
    return assemblingTotal - (valueSpan == null ? 0 : valueSpan.length());
  }

  /**
   * Asks the listener where the value of the frame now starting lies ({@code head}: its first bytes
   * in the ring); keeps the span if the frame holds it. A listener that fails is logged and not
   * asked again: its frames come whole.
   */
  private boolean locateValue(ByteBuffer head, int total) {
    FrameListener locator = valueLocator;
    if (locator == null) {
      return false;
    }
    ValueSpan span;
    try {
      span = locator.largeValueSpan(head.asReadOnlyBuffer(), total);
    } catch (RuntimeException e) {
      valueLocator = null;
      LOG.warn("frame listener failed to name a large value's span; frames come whole", e);
      return false;
    }
    if (span == null || span.end() > total) {
      return false;
    }
    valueSpan = span;
    return true;
  }

  /**
   * Takes the frame's next {@code length} bytes from the ring at {@code from}: those inside the
   * value's span into the value's array, the others into the frame's buffer, each grown as needed.
   */
  private void receive(int from, int length) {
    ValueSpan span = valueSpan;
    int at = assembled;
    int before = span == null ? length : Math.max(0, Math.min(length, span.offset() - at));
    int inside = valueBytesIn(at, length);
    appendToFrame(from, before);
    appendToValue(from + before, inside);
    appendToFrame(from + before + inside, length - before - inside);
    assembled = at + length;
  }

  private void appendToFrame(int from, int n) {
    if (n == 0) {
      return;
    }
    if (n > assembling.remaining()) {
      assembling = grow(assembling, assembling.position() + n, frameBytes());
    }
    assembling.put(assembling.position(), buffer, from, n);
    assembling.position(assembling.position() + n);
  }

  private void appendToValue(int from, int n) {
    if (n == 0) {
      return;
    }
    int needed = valueHeld + n;
    int length = valueSpan.length();
    if (value == null) {
      int first = firstValueCapacity(length, needed);
      byte[] kept = first == STAGING_BYTES && first < length ? takeStaging() : null;
      value = kept != null ? kept : new byte[first];
    } else if (needed > value.length) {
      byte[] grown = new byte[nextValueCapacity(length, needed)];
      System.arraycopy(value, 0, grown, 0, valueHeld);
      if (value.length == STAGING_BYTES) {
        // a first array never handed out (its value is longer): kept for the next large value
        staging = new SoftReference<>(value);
      }
      value = grown;
    }
    buffer.get(from, value, valueHeld, n);
    valueHeld = needed;
  }

  private byte[] takeStaging() {
    SoftReference<byte[]> kept = staging;
    staging = null;
    return kept == null ? null : kept.get();
  }

  /** The first array of a value longer than this, unless more of its bytes came at once. */
  static final int STAGING_BYTES = 2 * FrameBufferGrowth.FIRST_BUFFER_BYTES;

  /**
   * The first array of a value of {@code length} bytes whose first {@code received} bytes are here:
   * the whole value if it is at most 2 MiB, else 2 MiB (or the bytes here, if more).
   */
  static int firstValueCapacity(int length, int received) {
    return Math.min(length, Math.max(received, STAGING_BYTES));
  }

  /**
   * The next array of a value of {@code length} bytes once {@code received} of them are here (more
   * than the array holds): eight times those, or the whole value if that is less. So a 16 MiB
   * value's bytes go through one 2 MiB array (copied once more) and then into the whole.
   */
  static int nextValueCapacity(int length, int received) {
    return (int) Math.min(length, 8L * received);
  }

  /**
   * A buffer for a frame of {@code total} bytes: the spare given back if there is one that holds it
   * (the frame then needs no growing), else a new one of {@code capacity} bytes.
   */
  private ByteBuffer receiveBuffer(int total, int capacity) {
    if (total >= RECYCLED_FRAME_BYTES) {
      SoftReference<byte[]> kept = spare.getAndSet(null);
      byte[] array = kept == null ? null : kept.get();
      if (array != null && array.length >= total) {
        return ByteBuffer.wrap(array);
      }
    }
    return ByteBuffer.allocate(capacity);
  }

  /**
   * Takes back the memory of a frame this ring delivered ({@code frame} or any view of it) for the
   * next large frame, if it is the latest large frame delivered; ignores anything else. The caller
   * no longer uses the frame (see {@link org.witrpc.spi.Connection#recycle}). Any thread.
   */
  void recycle(ByteBuffer frame) {
    if (!frame.hasArray()) {
      return;
    }
    WeakReference<byte[]> last = lastLargeDelivered.get();
    if (last != null
        && last.get() == frame.array()
        && lastLargeDelivered.compareAndSet(last, null)) {
      spare.set(new SoftReference<>(frame.array()));
    }
  }

  private void release() {
    // Release: our reads of the record happen before the producer may overwrite it.
    LONGS.setRelease(buffer, headOffset, readerHead);
    // Full fence between the head store and the flag load (Dekker, see class comment).
    VarHandle.fullFence();
    if ((long) LONGS.getVolatile(buffer, writerWaitingOffset) != 0L
        && LONGS.compareAndSet(buffer, writerWaitingOffset, 1L, 0L)) {
      wakeWriter.run();
    }
  }

  private long readTail() {
    long tail = (long) LONGS.getAcquire(buffer, tailOffset);
    if (tail < lastTailSeen || tail < readerHead || tail - readerHead > capacity) {
      throw corrupt(
          "tail " + tail + " is behind " + lastTailSeen + " or out of range of head " + readerHead);
    }
    lastTailSeen = tail;
    return tail;
  }

  private void expectAssembling(boolean expected, int type) {
    if ((assembling != null) != expected) {
      throw corrupt(
          "record type " + type + (expected ? " without a first fragment" : " inside a fragment"));
    }
  }

  /**
   * A larger buffer (see {@link FrameBufferGrowth}) with room for {@code needed} bytes in all,
   * holding the bytes assembled so far.
   */
  private static ByteBuffer grow(ByteBuffer assembled, int needed, int total) {
    int capacity = FrameBufferGrowth.nextCapacity(assembled.capacity(), needed, total);
    return ByteBuffer.allocate(capacity).put(assembled.flip());
  }

  /** A frame the peer should not have sent: not corrupt, but too large for this side. */
  private void checkFrameSize(long length) {
    int limit = readLimit;
    if (length > limit) {
      throw new WitTransportException(
          "frame of "
              + length
              + " bytes exceeds "
              + (limit < maxFrameSize
                  ? "the limit before the connection is ready (handshake) of " + limit + " bytes"
                  : "the maximum frame size " + maxFrameSize));
    }
  }

  private static long header(int type, int length) {
    return ((long) type << 32) | (length & 0xFFFFFFFFL);
  }

  private static long align(long length) {
    return (length + ALIGNMENT - 1) & ~(long) (ALIGNMENT - 1);
  }

  private static CorruptRingException corrupt(String what) {
    return new CorruptRingException("corrupt shared-memory ring: " + what);
  }

  /** The shared memory breaks the ring's rules: the peer is broken or hostile. */
  static final class CorruptRingException extends WitTransportException {
    private static final long serialVersionUID = 1L;

    CorruptRingException(String message) {
      super(message);
    }
  }
}
