package org.witrpc.transport.mmf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import org.witrpc.WitTransportException;

/**
 * Fuzzes the consumer (and the producer's view of head) of a {@link RingBuffer} whose shared memory
 * a hostile or broken peer has scribbled on: random bytes, bit flips, forged record headers (bad
 * types, huge, negative and misfitting lengths, lying fragment totals) and counters moved
 * backwards, beyond the capacity or off the 8-byte grid. Every case must end in well-formed frames
 * or a clear {@link WitTransportException}; never an {@link IndexOutOfBoundsException}, an {@link
 * OutOfMemoryError}, any other exception, or a read that does not finish (each case runs under a
 * 5-second watchdog and asserts progress on every read). The ring under test is the last one in an
 * exactly sized buffer, heap or direct, so a read past its end cannot go unnoticed. The file header
 * a client checks before it maps the rings is fuzzed too.
 *
 * <p>Tries per property: {@code jqwik.tries.default} (junit-platform.properties; raise it from the
 * command line for a long campaign).
 */
class RingCorruptionFuzzTest {
  private static final int MAX_FRAME = 1 << 16;
  private static final ExecutorService WATCHDOG =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "witrpc-test-ring-fuzz");
            t.setDaemon(true);
            return t;
          });

  @AfterContainer
  static void stopWatchdog() {
    WATCHDOG.shutdownNow();
  }

  // ---------------------------------------------------------------- properties

  @Property
  void randomBytesAndBitFlipsEndInFramesOrAClearError(
      @ForAll("rings") Ring ring,
      @ForAll @Size(min = 1, max = 4) List<@From("scribbles") Scribble> scribbles) {
    Ring.State s = ring.build();
    for (Scribble scribble : scribbles) {
      scribble.apply(s);
    }
    s.readAllUnderWatchdog();
  }

  @Property
  void forgedRecordsEndInFramesOrAClearError(
      @ForAll("rings") Ring ring,
      @ForAll @Size(min = 1, max = 3) List<@From("forgeries") Forgery> forgeries) {
    Ring.State s = ring.build();
    for (Forgery forgery : forgeries) {
      forgery.apply(s);
    }
    s.readAllUnderWatchdog();
  }

  @Property
  void movedCountersEndInFramesOrAClearError(
      @ForAll("rings") Ring ring,
      @ForAll("counterMoves") CounterMove move,
      @ForAll boolean readerOpensAfterTheMove) {
    Ring.State s = ring.build();
    move.apply(s);
    if (readerOpensAfterTheMove) {
      // The peer handed over a mapping whose counters are already wrong.
      try {
        s.reopenReader();
      } catch (WitTransportException expected) {
        assertClear(expected);
        return;
      }
    }
    s.readAllUnderWatchdog();
  }

  @Property
  void aWriterSeeingAMovedHeadWritesOrFailsClearly(
      @ForAll("rings") Ring ring,
      @ForAll("counterMoves") CounterMove move,
      @ForAll @IntRange(min = 0, max = 3000) int frameLength) {
    Ring.State s = ring.build();
    move.apply(s);
    Future<?> writing =
        WATCHDOG.submit(
            () -> {
              try {
                s.writerAfterTheMove()
                    .write(
                        new ByteBuffer[] {ByteBuffer.allocate(frameLength)},
                        frameLength,
                        bytes -> {
                          throw new Full();
                        });
              } catch (Full | WitTransportException expected) {
                if (expected instanceof WitTransportException) {
                  assertClear((WitTransportException) expected);
                }
              }
            });
    await(writing);
  }

  @Property
  void aScribbledFileHeaderIsValidOrACorruptHeader(
      @ForAll @IntRange(min = 10, max = 11) int capacityLog2,
      @ForAll @Size(min = 1, max = 4) List<@From("headerFields") long[]> fields,
      @ForAll @IntRange(min = -4200, max = 64) int lengthDelta) {
    int capacity = 1 << capacityLog2;
    int total = RingDescriptor.totalLength(capacity);
    ByteBuffer mapping = ByteBuffer.allocateDirect(total);
    RingDescriptor.initialize(mapping, capacity);
    ByteBuffer view = mapping.duplicate().order(ByteOrder.nativeOrder());
    for (long[] field : fields) {
      int at = (int) field[0];
      if (field[2] == 8) {
        view.putLong(at, field[1]);
      } else {
        view.putInt(at, (int) field[1]);
      }
    }
    try {
      int ringCapacity = RingDescriptor.validate(mapping, (long) total + lengthDelta);
      assertThat(RingDescriptor.totalLength(ringCapacity)).isLessThanOrEqualTo(total);
      new RingBuffer(
          mapping,
          RingDescriptor.ringOffset(RingDescriptor.SERVER_TO_CLIENT, ringCapacity),
          ringCapacity,
          MAX_FRAME,
          () -> {},
          () -> {});
      assertThat(
              RingDescriptor.announcedMaxFrameSize(mapping, RingDescriptor.SERVER_MAX_FRAME_OFFSET))
          .isGreaterThanOrEqualTo(0);
    } catch (WitTransportException expected) {
      assertThat(expected.getMessage()).startsWith("corrupt shared-memory header: ");
    }
  }

  // ---------------------------------------------------------------- generators

  /** {offset, value, width}: a header field (or the bytes next to it) set to a hostile value. */
  @Provide
  Arbitrary<long[]> headerFields() {
    Arbitrary<long[]> longs =
        Combinators.combine(
                Arbitraries.of(
                    RingDescriptor.MAGIC_OFFSET,
                    RingDescriptor.TOTAL_LENGTH_OFFSET,
                    RingDescriptor.CAPACITY_OFFSET,
                    RingDescriptor.SERVER_MAX_FRAME_OFFSET),
                Arbitraries.oneOf(
                    Arbitraries.of(
                        0L,
                        -1L,
                        512L,
                        1024L,
                        2048L,
                        4096L,
                        1L << 29,
                        1L << 30,
                        Long.MAX_VALUE,
                        Long.MIN_VALUE,
                        3200L,
                        5248L,
                        5249L),
                    Arbitraries.longs()))
            .as((at, value) -> new long[] {at, value, 8});
    Arbitrary<long[]> ints =
        Combinators.combine(
                Arbitraries.of(
                    RingDescriptor.VERSION_OFFSET,
                    RingDescriptor.HEADER_LENGTH_OFFSET,
                    RingDescriptor.SERVER_MAX_FRAME_OFFSET,
                    RingDescriptor.CLIENT_MAX_FRAME_OFFSET),
                Arbitraries.oneOf(
                    Arbitraries.of(0, -1, 1, 2, 15, 16, 128, Integer.MAX_VALUE, Integer.MIN_VALUE),
                    Arbitraries.integers()))
            .as((at, value) -> new long[] {at, value, 4});
    return Arbitraries.oneOf(longs, ints);
  }

  @Provide
  Arbitrary<Ring> rings() {
    return Combinators.combine(
            Arbitraries.integers().between(10, 11),
            Arbitraries.of(true, false),
            Arbitraries.integers().between(0, 3000).list().ofMaxSize(6),
            Arbitraries.integers().between(0, 4))
        .as(Ring::new);
  }

  @Provide
  Arbitrary<Scribble> scribbles() {
    Arbitrary<Scribble> bytes =
        Combinators.combine(
                Arbitraries.integers().between(0, 100_000),
                Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(24),
                Arbitraries.of(true, false))
            .as((at, b, inCounters) -> new Scribble(at, b, -1, inCounters));
    Arbitrary<Scribble> flip =
        Combinators.combine(Arbitraries.integers().between(0, 1 << 20), Arbitraries.of(true, false))
            .as((bit, inCounters) -> new Scribble(0, null, bit, inCounters));
    return Arbitraries.oneOf(bytes, flip);
  }

  @Provide
  Arbitrary<Forgery> forgeries() {
    Arbitrary<Integer> types =
        Arbitraries.oneOf(
            Arbitraries.integers().between(RingBuffer.FRAME, RingBuffer.PADDING),
            Arbitraries.of(0, -1, 6, Integer.MAX_VALUE, Integer.MIN_VALUE),
            Arbitraries.integers());
    Arbitrary<Integer> lengths =
        Arbitraries.oneOf(
            Arbitraries.integers().between(0, 2100),
            Arbitraries.of(
                0, 1, 7, 8, 1000, 1008, 1016, 1024, 1025, 2040, 2048, MAX_FRAME, MAX_FRAME + 1),
            Arbitraries.of(-1, -8, Integer.MIN_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE - 7),
            Arbitraries.integers());
    Arbitrary<Long> totals =
        Arbitraries.oneOf(
            Arbitraries.longs().between(0, 5000),
            Arbitraries.of(
                0L,
                -1L,
                (long) MAX_FRAME,
                MAX_FRAME + 1L,
                (long) Integer.MAX_VALUE,
                Integer.MAX_VALUE + 1L,
                Long.MAX_VALUE,
                Long.MIN_VALUE),
            Arbitraries.longs());
    return Combinators.combine(
            Arbitraries.of(Forgery.Where.values()),
            types,
            lengths,
            totals,
            Arbitraries.integers().between(-3, 4200))
        .as(Forgery::new);
  }

  @Provide
  Arbitrary<CounterMove> counterMoves() {
    return Combinators.combine(
            Arbitraries.of(CounterMove.Counter.values()),
            Arbitraries.of(CounterMove.Base.values()),
            Arbitraries.oneOf(
                Arbitraries.longs().between(-4200, 4200),
                Arbitraries.of(-1L, 1L, 3L, -8L, 8L, 1024L, 1025L, 2048L, 2056L, 4096L),
                Arbitraries.of(Long.MAX_VALUE, Long.MIN_VALUE, 1L << 62, -(1L << 62)),
                Arbitraries.longs()))
        .as(CounterMove::new);
  }

  // ---------------------------------------------------------------- cases

  /**
   * A ring of {@code 2^capacityLog2} bytes, the second of two in an exactly sized direct buffer
   * (sliced at an offset or not), into which frames of {@code frames} sizes were written (until it
   * was full; the last one possibly half-fragmented) and {@code readFirst} records read, before any
   * scribbling.
   */
  record Ring(int capacityLog2, boolean direct, List<Integer> frames, int readFirst) {
    State build() {
      int capacity = 1 << capacityLog2;
      int total = RingDescriptor.totalLength(capacity);
      ByteBuffer mapping =
          direct
              ? ByteBuffer.allocateDirect(total + 64).alignedSlice(64).slice(0, total)
              // a plain direct buffer: heap buffers refuse atomic access on JDK 21+
              : ByteBuffer.allocateDirect(total);
      RingDescriptor.initialize(mapping, capacity);
      State s = new State(mapping, capacity);
      int seed = 0;
      try {
        for (int length : frames) {
          byte[] frame = RingFixture.pattern(length, ++seed);
          s.writer.write(
              new ByteBuffer[] {ByteBuffer.wrap(frame)},
              frame.length,
              bytes -> {
                throw new Full();
              });
        }
      } catch (Full full) {
        // the ring is full: scribble on what is there
      }
      s.reader.read(s::check, readFirst);
      return s;
    }

    /** The ring, its two ends and a checking sink. */
    static final class State {
      final ByteBuffer mapping;
      final ByteBuffer view;
      final int capacity;
      final int ring;
      final RingBuffer writer;
      RingBuffer reader;
      int delivered;

      State(ByteBuffer mapping, int capacity) {
        this.mapping = mapping;
        this.view = mapping.duplicate().order(ByteOrder.nativeOrder());
        this.capacity = capacity;
        this.ring = RingDescriptor.ringOffset(RingDescriptor.SERVER_TO_CLIENT, capacity);
        this.writer = open();
        this.reader = open();
      }

      RingBuffer open() {
        return new RingBuffer(mapping, ring, capacity, MAX_FRAME, () -> {}, () -> {});
      }

      void reopenReader() {
        reader = open();
      }

      RingBuffer writerAfterTheMove() {
        return writer;
      }

      long tail() {
        return view.getLong(ring + RingDescriptor.TAIL_OFFSET);
      }

      long head() {
        return view.getLong(ring + RingDescriptor.HEAD_OFFSET);
      }

      int data(long position) {
        return ring + RingDescriptor.DATA_OFFSET + (int) (position & (capacity - 1));
      }

      void check(ByteBuffer frame) {
        assertThat(frame.position()).isZero();
        assertThat(frame.remaining()).isBetween(0, MAX_FRAME);
        delivered++;
      }

      /**
       * Reads until the ring is empty or a clear error ends it. Nothing writes meanwhile, so at
       * most capacity / 8 records can be consumed: every read call must consume a record or find
       * the ring empty, and the calls are bounded.
       */
      void readAllUnderWatchdog() {
        await(
            WATCHDOG.submit(
                () -> {
                  int maxCalls = capacity / RingBuffer.RECORD_HEADER_LENGTH + 1;
                  try {
                    for (int calls = 0; ; calls++) {
                      assertThat(calls).as("read calls without end").isLessThanOrEqualTo(maxCalls);
                      int n = reader.read(this::check, 16);
                      assertThat(n).isBetween(0, 16);
                      if (n == 0) {
                        return;
                      }
                    }
                  } catch (WitTransportException expected) {
                    assertClear(expected);
                  }
                }));
      }
    }
  }

  /** Overwrites bytes at, or flips one bit of, the data area or the counter lines of the ring. */
  record Scribble(int at, byte[] bytes, int bit, boolean inCounters) {
    void apply(Ring.State s) {
      int base = s.ring + (inCounters ? 0 : RingDescriptor.DATA_OFFSET);
      int span = inCounters ? RingDescriptor.DATA_OFFSET : s.capacity;
      if (bytes == null) {
        int b = bit % (span * 8);
        int i = base + b / 8;
        s.mapping.put(i, (byte) (s.mapping.get(i) ^ (1 << (b % 8))));
      } else {
        int start = at % span;
        for (int i = 0; i < bytes.length && start + i < span; i++) {
          s.mapping.put(base + start + i, bytes[i]);
        }
      }
    }
  }

  /**
   * Writes a record header (type, length; the total after it) over the next unread record, or at
   * the tail and publishes {@code publish} bytes of it as a producer would.
   */
  record Forgery(Where where, int type, int length, long total, int publish) {
    enum Where {
      OVER_THE_NEXT_UNREAD_RECORD,
      AT_THE_TAIL_AND_PUBLISHED
    }

    void apply(Ring.State s) {
      long at = where == Where.AT_THE_TAIL_AND_PUBLISHED ? s.tail() : s.head();
      int index = s.data(at);
      int room = s.ring + RingDescriptor.DATA_OFFSET + s.capacity - index;
      if (room >= 8) {
        s.view.putLong(index, ((long) type << 32) | (length & 0xFFFFFFFFL));
      }
      if (room >= 16) {
        s.view.putLong(index + 8, total);
      }
      if (where == Where.AT_THE_TAIL_AND_PUBLISHED) {
        s.view.putLong(s.ring + RingDescriptor.TAIL_OFFSET, at + publish);
      }
    }
  }

  /** Sets head or tail to {@code delta} plus the current head, the current tail, or zero. */
  record CounterMove(Counter counter, Base base, long delta) {
    enum Counter {
      HEAD,
      TAIL
    }

    enum Base {
      HEAD,
      TAIL,
      ZERO
    }

    void apply(Ring.State s) {
      long from = base == Base.HEAD ? s.head() : base == Base.TAIL ? s.tail() : 0;
      int offset =
          counter == Counter.HEAD ? RingDescriptor.HEAD_OFFSET : RingDescriptor.TAIL_OFFSET;
      s.view.putLong(s.ring + offset, from + delta);
    }
  }

  /** Thrown by a space waiter instead of waiting: the ring is full. */
  static final class Full extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Full() {
      super(null, null, false, false);
    }
  }

  // ---------------------------------------------------------------- checks

  static void assertClear(WitTransportException e) {
    assertThat(e.getMessage())
        .satisfiesAnyOf(
            m -> assertThat(m).startsWith("corrupt shared-memory ring: "),
            m -> assertThat(m).contains("exceeds the maximum frame size"));
  }

  /** Waits for a case run by the watchdog thread; rethrows what it threw; fails if it hangs. */
  static void await(Future<?> task) {
    try {
      task.get(5, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      task.cancel(true);
      throw new AssertionError("a ring operation did not finish within 5 s (endless loop?)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new AssertionError("escaped: " + cause, cause);
    }
  }
}
