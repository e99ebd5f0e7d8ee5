package org.witrpc.transport.mmf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.witrpc.transport.mmf.RingFixture.bytes;
import static org.witrpc.transport.mmf.RingFixture.pattern;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Large frames received into a buffer given back: only the latest large frame's is taken. */
class RingBufferRecycleTest {
  private static final int CAPACITY = 64 << 10;
  private static final int MAX_FRAME = 8 << 20;
  private static final int LARGE = RingBuffer.RECYCLED_FRAME_BYTES + 12_345;

  @Test
  void aLargeFrameGivenBackHoldsTheNextLargeFrame() {
    RingFixture f = new RingFixture(CAPACITY, MAX_FRAME);
    ByteBuffer first = receiveLarge(f, 1);
    f.reader.recycle(first.slice(100, 10)); // a view (an envelope's body) is enough

    byte[] second = pattern(LARGE - 8, 2); // smaller: fits the recycled buffer
    f.writeDraining(second);
    f.drain();
    ByteBuffer received = f.received.get(1);
    assertThat(received.array()).isSameAs(first.array());
    assertThat(received.position()).isZero();
    assertThat(received.remaining()).isEqualTo(second.length);
    assertThat(bytes(received)).isEqualTo(second);
  }

  @Test
  void onlyTheLatestLargeFrameIsTakenBackAndOnlyOnce() {
    RingFixture f = new RingFixture(CAPACITY, MAX_FRAME);
    f.writeDraining(pattern(LARGE, 1));
    f.writeDraining(pattern(LARGE, 2));
    f.drain();
    ByteBuffer older = f.received.get(0);
    ByteBuffer latest = f.received.get(1);
    f.reader.recycle(older); // still in use elsewhere, as far as the ring knows: ignored
    f.reader.recycle(ByteBuffer.allocate(LARGE)); // never delivered: ignored
    f.writeDraining(pattern(LARGE, 3));
    f.drain();
    assertThat(f.received.get(2).array()).isNotSameAs(older.array()).isNotSameAs(latest.array());
    assertThat(bytes(older)).isEqualTo(pattern(LARGE, 1));

    ByteBuffer third = f.received.get(2);
    f.reader.recycle(third);
    f.reader.recycle(third); // twice: the second is ignored
    f.writeDraining(pattern(LARGE, 4));
    f.writeDraining(pattern(LARGE, 5));
    f.drain();
    assertThat(f.received.get(3).array()).isSameAs(third.array());
    assertThat(f.received.get(4).array()).isNotSameAs(third.array());
    assertThat(bytes(f.received.get(3))).isEqualTo(pattern(LARGE, 4));
    assertThat(bytes(f.received.get(4))).isEqualTo(pattern(LARGE, 5));
  }

  @Test
  void aRecycledBufferTooSmallForTheNextFrameIsDroppedAndSmallFramesNeverUseIt() {
    RingFixture f = new RingFixture(CAPACITY, MAX_FRAME);
    ByteBuffer first = receiveLarge(f, 1);
    f.reader.recycle(first);
    f.writeDraining(pattern(1000, 2)); // small: a buffer of its own
    f.writeDraining(pattern(2 * LARGE, 3)); // larger than the spare
    f.drain();
    assertThat(f.received.get(1).array()).isNotSameAs(first.array());
    assertThat(f.received.get(2).array()).isNotSameAs(first.array());
    assertThat(bytes(f.received.get(2))).isEqualTo(pattern(2 * LARGE, 3));
  }

  /** Writes and receives one large frame of pattern {@code seed}; returns it. */
  private static ByteBuffer receiveLarge(RingFixture f, int seed) {
    f.writeDraining(pattern(LARGE, seed));
    f.drain();
    return f.received.get(f.received.size() - 1);
  }
}
