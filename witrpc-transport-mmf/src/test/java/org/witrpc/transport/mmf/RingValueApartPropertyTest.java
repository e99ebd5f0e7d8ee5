package org.witrpc.transport.mmf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.witrpc.transport.mmf.RingFixture.bytes;
import static org.witrpc.transport.mmf.RingFixture.pattern;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import org.witrpc.WitTransportException;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.ValueSpan;

/**
 * Large values received apart ({@link RingBuffer#receiveValuesApart}) under any span a listener may
 * name and any records a hostile peer may write: frames of every size around {@link
 * FrameListener#LARGE_VALUE_FRAME_BYTES}, fragmented through small rings or whole in a large one,
 * arrive byte for byte with exactly the span named (or whole, if the span does not fit or the
 * listener fails); forged record streams (lying totals, fragments out of order, wrong lengths, junk
 * types) end in frames that hold exactly the bytes written or in a clear {@link
 * WitTransportException}, and the reader never allocates more than the documented bound for the
 * bytes it really received, whatever length the peer announced and whatever span the listener
 * named.
 */
class RingValueApartPropertyTest {
  private static final int LARGE = FrameListener.LARGE_VALUE_FRAME_BYTES;
  private static final int MAX_FRAME = 64 << 20;
  private static final ExecutorService WATCHDOG =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "witrpc-test-ring-apart-fuzz");
            t.setDaemon(true);
            return t;
          });

  @AfterContainer
  static void stopWatchdog() {
    WATCHDOG.shutdownNow();
  }

  // ---------------------------------------------------------------- honest writer

  @Property(tries = 60)
  void anySpanOfAnyFrameArrivesByteForByte(
      @ForAll @Size(min = 1, max = 3) List<@IntRange(min = -4096, max = 300_000) Integer> overLarge,
      @ForAll("spans") List<SpanChoice> choices,
      @ForAll("capacities") int capacityLog2) {
    RingFixture f = new RingFixture(1 << capacityLog2, MAX_FRAME);
    Locator locator = new Locator(choices);
    f.reader.receiveValuesApart(locator);
    List<Delivered> delivered = new ArrayList<>();
    List<byte[]> sent = new ArrayList<>();
    for (int i = 0; i < overLarge.size(); i++) {
      byte[] frame = pattern(LARGE + overLarge.get(i), i + 1);
      sent.add(frame);
      f.writer.write(
          new ByteBuffer[] {ByteBuffer.wrap(frame)},
          frame.length,
          bytes -> f.reader.read((b, s, v) -> delivered.add(new Delivered(b, s, v)), 1000));
    }
    while (f.reader.read((b, s, v) -> delivered.add(new Delivered(b, s, v)), 1000) > 0) {
      // drain
    }

    assertThat(delivered).hasSize(sent.size());
    int questions = 0;
    boolean failed = false; // a listener that fails is not asked again
    for (int i = 0; i < sent.size(); i++) {
      byte[] frame = sent.get(i);
      Delivered d = delivered.get(i);
      ValueSpan named = null;
      if (frame.length >= LARGE && !failed) {
        assertThat(locator.askedFor)
            .as("frame %d of %d bytes: the listener was asked", i, frame.length)
            .hasSizeGreaterThan(questions);
        assertThat(locator.askedFor.get(questions)).isEqualTo(frame.length);
        named = locator.named.get(questions);
        failed = locator.threw.get(questions);
        questions++;
      }
      if (named != null && named.end() <= frame.length) {
        assertThat(d.span()).as("frame %d: the span named", i).isEqualTo(named);
        assertThat(d.value()).isEqualTo(Arrays.copyOfRange(frame, named.offset(), named.end()));
        byte[] rest = bytes(d.frame());
        assertThat(rest).hasSize(frame.length - named.length());
        assertThat(Arrays.copyOfRange(rest, 0, named.offset()))
            .isEqualTo(Arrays.copyOfRange(frame, 0, named.offset()));
        assertThat(Arrays.copyOfRange(rest, named.offset(), rest.length))
            .isEqualTo(Arrays.copyOfRange(frame, named.end(), frame.length));
      } else {
        assertThat(d.span()).as("frame %d: no span, or one that does not fit", i).isNull();
        assertThat(d.value()).isNull();
        assertThat(bytes(d.frame())).isEqualTo(frame);
      }
    }
    assertThat(locator.askedFor).as("questions about frames not sent").hasSize(questions);
  }

  // ---------------------------------------------------------------- hostile writer

  @Property(tries = 400)
  void forgedRecordsWithValuesApartEndInTrueFramesOrAClearErrorWithinBoundedMemory(
      @ForAll @IntRange(min = 12, max = 14) int capacityLog2,
      @ForAll("firstRecords") Forged opening,
      @ForAll @Size(max = 12) List<@From("records") Forged> following,
      @ForAll("spans") List<SpanChoice> choices) {
    int capacity = 1 << capacityLog2;
    List<Forged> records = new ArrayList<>();
    records.add(opening);
    records.addAll(following);
    RingFixture f = new RingFixture(capacity, MAX_FRAME);
    Locator locator = new Locator(choices);
    f.reader.receiveValuesApart(locator);
    HostileWriter writer = new HostileWriter(f.mapping, capacity);
    await(
        WATCHDOG.submit(
            () -> {
              com.sun.management.ThreadMXBean threads =
                  (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
              long allocatedByReads = 0;
              int framesStarted = 0;
              try {
                for (Forged record : records) {
                  for (Forged.Step step : record.steps(writer)) {
                    writer.append(step);
                    framesStarted += step.type == RingBuffer.FIRST ? 1 : 0;
                    long before = threads.getCurrentThreadAllocatedBytes();
                    List<Delivered> got = new ArrayList<>();
                    int n = f.reader.read((b, s, v) -> got.add(new Delivered(b, s, v)), 1000);
                    allocatedByReads += threads.getCurrentThreadAllocatedBytes() - before;
                    assertThat(n).as("records read").isPositive();
                    assertThat(f.reader.isEmpty()).as("every record written is read").isTrue();
                    for (Delivered d : got) {
                      assertThat(d.whole())
                          .as("a delivered frame holds exactly the bytes written for it")
                          .isEqualTo(writer.frameWritten());
                    }
                  }
                }
              } catch (WitTransportException expected) {
                RingCorruptionFuzzTest.assertClear(expected);
              }
              long bound = (framesStarted + 1L) * (4 << 20) + 10L * writer.bytesWritten;
              assertThat(allocatedByReads)
                  .as(
                      "bytes the reader allocated for %d frames started, %d bytes written",
                      framesStarted, writer.bytesWritten)
                  .isLessThanOrEqualTo(bound);
            }));
  }

  /**
   * The documented bound at its edge: a peer announces a frame of the maximum size, the listener
   * names all of it as one value, and the peer sends one small fragment: the reader allocates the
   * first value array (2 MiB), not the 64 MiB announced.
   */
  @Example
  void aValueAnnouncedHugeCostsItsFirstArrayOnly() {
    int capacity = 1 << 13;
    RingFixture f = new RingFixture(capacity, MAX_FRAME);
    f.reader.receiveValuesApart(
        new Locator(List.of(new SpanChoice(SpanChoice.Kind.WHOLE_FRAME, 0, 1))));
    HostileWriter writer = new HostileWriter(f.mapping, capacity);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    writer.append(new Forged.Step(RingBuffer.FIRST, 2048, MAX_FRAME));
    writer.append(new Forged.Step(RingBuffer.MIDDLE, 2048, 0));

    long before = threads.getCurrentThreadAllocatedBytes();
    assertThat(f.reader.read((b, s, v) -> fail("no frame is complete"), 1000)).isEqualTo(2);
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;

    assertThat(allocated).isBetween((long) RingBuffer.STAGING_BYTES, 3L << 20);
  }

  // ---------------------------------------------------------------- generators

  /** Rings of 4 KiB to 2 MiB: the largest holds a large frame in one record. */
  @Provide
  Arbitrary<Integer> capacities() {
    return Arbitraries.oneOf(Arbitraries.integers().between(12, 20), Arbitraries.just(21));
  }

  /** A span choice per large frame, in the order the frames come; mostly spans that fit. */
  @Provide
  Arbitrary<List<SpanChoice>> spans() {
    return Combinators.combine(
            Arbitraries.frequency(
                Tuple.of(3, SpanChoice.Kind.INSIDE),
                Tuple.of(2, SpanChoice.Kind.TO_THE_END),
                Tuple.of(1, SpanChoice.Kind.WHOLE_FRAME),
                Tuple.of(1, SpanChoice.Kind.NONE),
                Tuple.of(1, SpanChoice.Kind.PAST_THE_END),
                Tuple.of(1, SpanChoice.Kind.THROWS)),
            Arbitraries.doubles().between(0, 1),
            Arbitraries.doubles().between(0, 1))
        .as(SpanChoice::new)
        .list()
        .ofMinSize(1)
        .ofMaxSize(4);
  }

  /** What a hostile stream starts with: mostly a FIRST record, so that its frame goes on. */
  @Provide
  Arbitrary<Forged> firstRecords() {
    return forged(
        Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.just(RingBuffer.FIRST)),
            Tuple.of(1, Arbitraries.just(RingBuffer.MIDDLE)),
            Tuple.of(1, Arbitraries.just(RingBuffer.FRAME))));
  }

  @Provide
  Arbitrary<Forged> records() {
    return forged(
        Arbitraries.frequencyOf(
            Tuple.of(4, Arbitraries.just(RingBuffer.FIRST)),
            Tuple.of(3, Arbitraries.just(RingBuffer.MIDDLE)),
            Tuple.of(2, Arbitraries.just(RingBuffer.LAST)),
            Tuple.of(1, Arbitraries.just(RingBuffer.FRAME)),
            Tuple.of(1, Arbitraries.of(0, 6, -1, Integer.MAX_VALUE))));
  }

  private static Arbitrary<Forged> forged(Arbitrary<Integer> types) {
    Arbitrary<Long> totals =
        Arbitraries.oneOf(
            Arbitraries.longs().between(LARGE - 8, LARGE + 70_000L),
            Arbitraries.longs().between(LARGE, 3L << 20),
            Arbitraries.of(
                (long) LARGE - 1,
                2L << 20,
                (2L << 20) + 1,
                16L << 20,
                (long) MAX_FRAME,
                MAX_FRAME + 1L,
                (long) Integer.MAX_VALUE,
                -1L,
                Long.MIN_VALUE));
    Arbitrary<Double> fractions = Arbitraries.doubles().between(0, 1);
    return Combinators.combine(
            types, fractions, totals, Arbitraries.of(Forged.Rest.values()), fractions)
        .as(Forged::new);
  }

  // ---------------------------------------------------------------- cases

  /** What a listener names for one large frame, from fractions of the frame's length. */
  record SpanChoice(Kind kind, double from, double size) {
    enum Kind {
      NONE,
      WHOLE_FRAME,
      TO_THE_END,
      INSIDE,
      PAST_THE_END,
      THROWS
    }

    ValueSpan span(int frameLength) {
      int offset = (int) (from * (frameLength - 1));
      return switch (kind) {
        case NONE -> null;
        case WHOLE_FRAME -> new ValueSpan(0, frameLength);
        case TO_THE_END -> new ValueSpan(offset, frameLength - offset);
        case INSIDE -> new ValueSpan(offset, Math.max(1, (int) (size * (frameLength - offset))));
        case PAST_THE_END -> new ValueSpan(offset, frameLength - offset + 1 + (int) (size * 100));
        case THROWS -> throw new IllegalStateException("a listener that fails");
      };
    }
  }

  /** Names spans as {@code choices} say, in turn (the last one again once they run out). */
  static final class Locator implements FrameListener {
    final List<SpanChoice> choices;
    final List<Integer> askedFor = new ArrayList<>();
    final List<ValueSpan> named = new ArrayList<>();
    final List<Boolean> threw = new ArrayList<>();

    Locator(List<SpanChoice> choices) {
      this.choices = choices;
    }

    @Override
    public ValueSpan largeValueSpan(ByteBuffer head, int frameLength) {
      assertThat(frameLength).isGreaterThanOrEqualTo(LARGE);
      assertThat(head.isReadOnly()).isTrue();
      SpanChoice choice = choices.get(Math.min(askedFor.size(), choices.size() - 1));
      askedFor.add(frameLength);
      named.add(null);
      threw.add(true);
      ValueSpan span = choice.span(frameLength);
      named.set(named.size() - 1, span);
      threw.set(threw.size() - 1, false);
      return span;
    }

    @Override
    public void onFrame(ByteBuffer frame) {
      throw new AssertionError("the ring delivers to its sink, not here");
    }

    @Override
    public void onClosed(Throwable cause) {}
  }

  /** What the reader delivered: a frame, and the span and value received apart (or nulls). */
  record Delivered(ByteBuffer frame, ValueSpan span, byte[] value) {
    /** The frame put back together. */
    byte[] whole() {
      byte[] rest = bytes(frame);
      if (span == null) {
        return rest;
      }
      assertThat(value).hasSize(span.length());
      byte[] out = new byte[rest.length + value.length];
      System.arraycopy(rest, 0, out, 0, span.offset());
      System.arraycopy(value, 0, out, span.offset(), value.length);
      System.arraycopy(rest, span.offset(), out, span.end(), rest.length - span.offset());
      return out;
    }
  }

  /**
   * One record a hostile peer writes: its type, its length as a fraction of what fits, the total a
   * FIRST record announces; {@link Rest} says whether the frame it starts or continues is then
   * finished honestly (so that frames with spans are delivered) or left as it is.
   */
  record Forged(int type, double lengthFraction, long total, Rest rest, double restFraction) {
    enum Rest {
      LEAVE,
      FINISH_HONESTLY
    }

    /** One record as written: type, payload length, the FIRST total field. */
    record Step(int type, int length, long total) {}

    List<Step> steps(HostileWriter w) {
      List<Step> steps = new ArrayList<>();
      int length = (int) (lengthFraction * w.maxPayload());
      steps.add(new Step(type, length, total));
      if (rest == Rest.FINISH_HONESTLY
          && type == RingBuffer.FIRST
          && total > length
          && total <= LARGE + 70_000L) {
        long left = total - length;
        int most = w.maxPayload();
        int chunk = Math.max(most / 4, (int) (restFraction * most)) & ~7;
        while (left > chunk) {
          steps.add(new Step(RingBuffer.MIDDLE, chunk, 0));
          left -= chunk;
        }
        if (left > 0) {
          steps.add(new Step(RingBuffer.LAST, (int) left, 0));
        }
      }
      return steps;
    }
  }

  /**
   * Writes records by hand at the ring's tail as a hostile producer would (a PADDING record first
   * where the record does not fit before the end), and keeps the bytes of the frame its records
   * make if they were honest: a FRAME's bytes, or a FIRST's and the fragments after it.
   */
  static final class HostileWriter {
    private final ByteBuffer view;
    private final int capacity;
    private final int ring;
    private long tail;
    private final ByteArrayOutputStream frame = new ByteArrayOutputStream();
    private int seed;
    long bytesWritten;

    HostileWriter(ByteBuffer mapping, int capacity) {
      this.view = mapping.duplicate().order(ByteOrder.nativeOrder());
      this.capacity = capacity;
      this.ring = RingDescriptor.ringOffset(0, capacity);
    }

    /** The most payload a record may have to fit an empty ring at any position. */
    int maxPayload() {
      return capacity / 2 - RingBuffer.RECORD_HEADER_LENGTH - RingBuffer.TOTAL_LENGTH_FIELD;
    }

    void append(Forged.Step step) {
      int extra = step.type() == RingBuffer.FIRST ? RingBuffer.TOTAL_LENGTH_FIELD : 0;
      int record = (RingBuffer.RECORD_HEADER_LENGTH + extra + step.length() + 7) & ~7;
      int index = (int) (tail & (capacity - 1));
      if (capacity - index < record) {
        int pad = capacity - index;
        view.putLong(
            data(index), header(RingBuffer.PADDING, pad - RingBuffer.RECORD_HEADER_LENGTH));
        publish(pad);
        index = 0;
      }
      if (step.type() == RingBuffer.FIRST || step.type() == RingBuffer.FRAME) {
        frame.reset();
      }
      byte[] payload = pattern(step.length(), ++seed);
      if (extra > 0) {
        view.putLong(data(index) + RingBuffer.RECORD_HEADER_LENGTH, step.total());
      }
      view.put(data(index) + RingBuffer.RECORD_HEADER_LENGTH + extra, payload);
      frame.writeBytes(payload);
      bytesWritten += payload.length;
      view.putLong(data(index), header(step.type(), step.length()));
      publish(record);
    }

    /** The bytes of the frame the records since the last FIRST or FRAME make. */
    byte[] frameWritten() {
      return frame.toByteArray();
    }

    private int data(int index) {
      return ring + RingDescriptor.DATA_OFFSET + index;
    }

    private void publish(int bytes) {
      tail += bytes;
      view.putLong(ring + RingDescriptor.TAIL_OFFSET, tail);
    }

    private static long header(int type, int length) {
      return ((long) type << 32) | (length & 0xFFFFFFFFL);
    }
  }

  private static void await(Future<?> task) {
    RingCorruptionFuzzTest.await(task);
  }
}
