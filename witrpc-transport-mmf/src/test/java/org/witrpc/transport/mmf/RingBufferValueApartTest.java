package org.witrpc.transport.mmf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.witrpc.transport.mmf.RingFixture.bytes;
import static org.witrpc.transport.mmf.RingFixture.pattern;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.ValueSpan;

/**
 * A large frame's value received apart ({@link RingBuffer#receiveValuesApart}): its bytes go
 * straight into an array of their own and the frame's buffer holds the others only, whether the
 * frame comes in pieces or as one record; a listener that names no span, a wrong one or fails gets
 * the frame whole.
 */
class RingBufferValueApartTest {
  private static final int MAX_FRAME = 64 << 20;
  private static final int LARGE = FrameListener.LARGE_VALUE_FRAME_BYTES + 54_321;

  /** What the reader delivered: a frame, and the span and value received apart (or nulls). */
  record Delivered(ByteBuffer frame, ValueSpan span, byte[] value) {}

  /** Asks {@code where} for each large frame's span; counts the questions. */
  static final class Locator implements FrameListener {
    final BiFunction<ByteBuffer, Integer, ValueSpan> where;
    final List<Integer> asked = new ArrayList<>();
    int headBytes = -1;

    Locator(BiFunction<ByteBuffer, Integer, ValueSpan> where) {
      this.where = where;
    }

    @Override
    public ValueSpan largeValueSpan(ByteBuffer head, int frameLength) {
      asked.add(frameLength);
      headBytes = head.remaining();
      assertThat(head.isReadOnly()).isTrue();
      return where.apply(head, frameLength);
    }

    @Override
    public void onFrame(ByteBuffer frame) {
      throw new AssertionError("the ring delivers to its sink, not here");
    }

    @Override
    public void onClosed(Throwable cause) {}
  }

  private static List<Delivered> receive(RingFixture f, byte[]... frames) {
    List<Delivered> out = new ArrayList<>();
    for (byte[] frame : frames) {
      f.writer.write(
          new ByteBuffer[] {ByteBuffer.wrap(frame)},
          frame.length,
          bytes -> f.reader.read((b, s, v) -> out.add(new Delivered(b, s, v)), 1000));
    }
    while (f.reader.read((b, s, v) -> out.add(new Delivered(b, s, v)), 1000) > 0) {
      // drain
    }
    return out;
  }

  /** The frame holds the sent bytes but the span's, which the value holds. */
  private static void assertApart(Delivered d, byte[] sent, ValueSpan span) {
    assertThat(d.span()).isEqualTo(span);
    assertThat(d.value()).isEqualTo(Arrays.copyOfRange(sent, span.offset(), span.end()));
    byte[] frame = bytes(d.frame());
    assertThat(frame).hasSize(sent.length - span.length());
    assertThat(Arrays.copyOfRange(frame, 0, span.offset()))
        .isEqualTo(Arrays.copyOfRange(sent, 0, span.offset()));
    assertThat(Arrays.copyOfRange(frame, span.offset(), frame.length))
        .isEqualTo(Arrays.copyOfRange(sent, span.end(), sent.length));
  }

  @Test
  void aFragmentedFramesValueIsReceivedIntoItsOwnArray() {
    RingFixture f = new RingFixture(64 << 10, MAX_FRAME);
    ValueSpan span = new ValueSpan(100, LARGE - 300);
    Locator locator = new Locator((head, length) -> span);
    f.reader.receiveValuesApart(locator);
    byte[] sent = pattern(LARGE, 7);

    List<Delivered> got = receive(f, sent);

    assertThat(got).hasSize(1);
    assertApart(got.get(0), sent, span);
    assertThat(locator.asked).containsExactly(LARGE);
    assertThat(locator.headBytes).isPositive().isLessThan(LARGE); // the first fragment only
  }

  @Test
  void aFrameInOneRecordHasItsValueReceivedApartToo() {
    RingFixture f = new RingFixture(4 << 20, MAX_FRAME);
    ValueSpan span = new ValueSpan(40, LARGE - 40); // up to the frame's end
    Locator locator = new Locator((head, length) -> span);
    f.reader.receiveValuesApart(locator);
    byte[] sent = pattern(LARGE, 8);

    List<Delivered> got = receive(f, sent);

    assertThat(got).hasSize(1);
    assertApart(got.get(0), sent, span);
    assertThat(locator.headBytes).isEqualTo(LARGE); // the whole frame was there
  }

  @Test
  void aValueSpanningManyRecordsComesOutWholeAndSoDoesTheFrameAroundIt() {
    RingFixture f = new RingFixture(16 << 10, MAX_FRAME);
    int length = 9 << 20; // past the first array (2 MiB): one growth
    ValueSpan span = new ValueSpan(1_000, length - 2_000);
    f.reader.receiveValuesApart(new Locator((head, n) -> span));
    byte[] sent = pattern(length, 9);

    List<Delivered> got = receive(f, sent);

    assertThat(got).hasSize(1);
    assertApart(got.get(0), sent, span);
    assertThat(got.get(0).frame().capacity()).isLessThan(64 << 10); // no room for the value
  }

  @Test
  void framesOneAfterAnotherEachGetTheirOwnValueAndFrameWhateverTheOneBeforeHad() {
    RingFixture f = new RingFixture(16 << 10, MAX_FRAME);
    // 5 MiB values: each goes through the 2 MiB first array, which the next one reuses
    int length = 5 << 20;
    ValueSpan first = new ValueSpan(200, length - 400);
    ValueSpan second = new ValueSpan(40_000, length - 50_000); // starts after the first fragment
    List<ValueSpan> spans = new ArrayList<>(List.of(first, second, first));
    f.reader.receiveValuesApart(new Locator((head, n) -> spans.remove(0)));
    byte[] a = pattern(length, 1);
    byte[] b = pattern(length, 2);
    byte[] c = pattern(length, 3);

    List<Delivered> got = receive(f, a, b, c);

    assertThat(got).hasSize(3);
    assertApart(got.get(0), a, first);
    assertApart(got.get(1), b, second);
    assertApart(got.get(2), c, first);
    assertThat(got.get(0).value()).isNotSameAs(got.get(2).value());
  }

  @Test
  void smallFramesAreNeverAskedAboutAndFramesWithoutASpanComeWhole() {
    RingFixture f = new RingFixture(64 << 10, MAX_FRAME);
    Locator locator = new Locator((head, length) -> null);
    f.reader.receiveValuesApart(locator);
    byte[] small = pattern(FrameListener.LARGE_VALUE_FRAME_BYTES - 1, 1);
    byte[] large = pattern(LARGE, 2);

    List<Delivered> got = receive(f, small, large);

    assertThat(locator.asked).containsExactly(LARGE);
    assertThat(got).hasSize(2);
    assertThat(got.get(0).span()).isNull();
    assertThat(bytes(got.get(0).frame())).isEqualTo(small);
    assertThat(got.get(1).span()).isNull();
    assertThat(got.get(1).value()).isNull();
    assertThat(bytes(got.get(1).frame())).isEqualTo(large);
  }

  @Test
  void aSpanBeyondTheFrameIsIgnored() {
    RingFixture f = new RingFixture(64 << 10, MAX_FRAME);
    f.reader.receiveValuesApart(new Locator((head, length) -> new ValueSpan(10, length)));
    byte[] sent = pattern(LARGE, 3);

    List<Delivered> got = receive(f, sent);

    assertThat(got.get(0).span()).isNull();
    assertThat(bytes(got.get(0).frame())).isEqualTo(sent);
  }

  @Test
  void aListenerThatFailsGetsFramesWholeAndIsNotAskedAgain() {
    RingFixture f = new RingFixture(64 << 10, MAX_FRAME);
    Locator locator =
        new Locator(
            (head, length) -> {
              throw new IllegalStateException("boom");
            });
    f.reader.receiveValuesApart(locator);
    byte[] first = pattern(LARGE, 4);
    byte[] second = pattern(LARGE, 5);

    List<Delivered> got = receive(f, first, second);

    assertThat(locator.asked).hasSize(1);
    assertThat(got).extracting(Delivered::span).containsOnlyNulls();
    assertThat(bytes(got.get(0).frame())).isEqualTo(first);
    assertThat(bytes(got.get(1).frame())).isEqualTo(second);
  }

  @Test
  void aReaderThatTakesOnlyWholeFramesGetsTheValuePutBack() { // read(Consumer<ByteBuffer>)
    RingFixture f = new RingFixture(64 << 10, MAX_FRAME);
    f.reader.receiveValuesApart(new Locator((head, length) -> new ValueSpan(64, 300_000)));
    byte[] sent = pattern(LARGE, 6);

    f.writeDraining(sent);
    f.drain(); // read(Consumer<ByteBuffer>): no span to hand over

    assertThat(f.received).hasSize(1);
    assertThat(bytes(f.received.get(0))).isEqualTo(sent);
  }

  @Test
  void aValuesArrayNeverHoldsMoreThan2MiBOrEightTimesItsBytesReceived() {
    int announced = 256 << 20;
    assertThat(RingBuffer.firstValueCapacity(announced, 60_000)).isEqualTo(2 << 20);
    assertThat(RingBuffer.firstValueCapacity(announced, 3 << 20)).isEqualTo(3 << 20);
    assertThat(RingBuffer.firstValueCapacity(100_000, 60_000)).isEqualTo(100_000);
    assertThat(RingBuffer.nextValueCapacity(announced, (2 << 20) + 1)).isEqualTo((16 << 20) + 8);
    assertThat(RingBuffer.nextValueCapacity(16 << 20, (2 << 20) + 1)).isEqualTo(16 << 20);
  }
}
