package org.witrpc.transport.pipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.witrpc.WitTransportException;
import org.witrpc.spi.TransportOptions;

@DisplayName("FrameReader: the pre-READY limit and frames buffered as they arrive")
class FrameReaderTest {
  private static final int MAX = TransportOptions.DEFAULT_MAX_FRAME_SIZE;

  /** A channel over fixed bytes that hands out short reads of random sizes, then end of stream. */
  static final class ShortReads implements ReadableByteChannel {
    private final ByteBuffer bytes;
    private final Random random;
    private final int maxRead;

    ShortReads(byte[] bytes, long seed, int maxRead) {
      this.bytes = ByteBuffer.wrap(bytes);
      this.random = new Random(seed);
      this.maxRead = maxRead;
    }

    @Override
    public int read(ByteBuffer dst) {
      if (!bytes.hasRemaining()) {
        return -1;
      }
      int n = Math.min(1 + random.nextInt(maxRead), Math.min(dst.remaining(), bytes.remaining()));
      dst.put(bytes.slice(bytes.position(), n));
      bytes.position(bytes.position() + n);
      return n;
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}
  }

  private static byte[] wire(List<byte[]> frames, int... extraLengthPrefixes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] f : frames) {
      out.writeBytes(ByteBuffer.allocate(4).putInt(0, f.length).array());
      out.writeBytes(f);
    }
    for (int length : extraLengthPrefixes) {
      out.writeBytes(ByteBuffer.allocate(4).putInt(0, length).array());
    }
    return out.toByteArray();
  }

  private static byte[] pattern(int size, int seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void framesOfManySizesArriveWholeThroughShortReads(long seed) throws IOException {
    Random random = new Random(seed);
    List<byte[]> frames = new ArrayList<>();
    int[] bounds = {0, 100, 70_000, 3 << 20, 9 << 20};
    for (int i = 0; i < 12; i++) {
      frames.add(pattern(random.nextInt(bounds[i % bounds.length] + 1), i));
    }
    FrameReader reader = new FrameReader(new ShortReads(wire(frames), seed, 300_000), MAX, "test");
    reader.allowLargeFrames();

    for (int i = 0; i < frames.size(); i++) {
      ByteBuffer frame = reader.next();
      assertThat(frame.capacity()).as("buffer of frame " + i).isEqualTo(frames.get(i).length);
      assertThat(frame.mismatch(ByteBuffer.wrap(frames.get(i)))).as("frame " + i).isEqualTo(-1);
    }
    assertThat(reader.next()).as("end of stream between frames").isNull();
    assertThat(reader.ended()).isTrue();
  }

  /** A non-blocking channel: every other read finds no bytes (returns 0). */
  static final class SometimesEmpty implements ReadableByteChannel {
    private final ShortReads reads;
    private boolean empty;

    SometimesEmpty(ShortReads reads) {
      this.reads = reads;
    }

    @Override
    public int read(ByteBuffer dst) {
      empty = !empty;
      return empty ? 0 : reads.read(dst);
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}
  }

  @Test
  void aFrameThatArrivesInPiecesIsCompletedByLaterCallsAndNothingIsLost() throws IOException {
    List<byte[]> frames = List.of(pattern(10, 1), pattern(70_000, 2), pattern(3 << 20, 3));
    FrameReader reader =
        new FrameReader(new SometimesEmpty(new ShortReads(wire(frames), 7, 50_000)), MAX, "test");
    reader.allowLargeFrames();

    int nulls = 0;
    for (int i = 0; i < frames.size(); i++) {
      ByteBuffer frame;
      while ((frame = reader.next()) == null) {
        assertThat(reader.ended()).as("ended before frame " + i).isFalse();
        nulls++;
      }
      assertThat(frame.mismatch(ByteBuffer.wrap(frames.get(i)))).as("frame " + i).isEqualTo(-1);
    }
    assertThat(nulls).as("calls that found no whole frame").isPositive();
    while (reader.next() == null && !reader.ended()) {
      nulls++;
    }
    assertThat(reader.ended()).as("a clean end between frames").isTrue();
  }

  @Test
  void beforeReadyAFrameAtTheHandshakeLimitPassesAndOneAboveItIsRefused() throws IOException {
    int limit = TransportOptions.HANDSHAKE_FRAME_LIMIT;
    byte[] atLimit = pattern(limit, 1);
    FrameReader reader =
        new FrameReader(new ShortReads(wire(List.of(atLimit), limit + 1), 1, 5000), MAX, "t#1");

    assertThat(reader.next().mismatch(ByteBuffer.wrap(atLimit))).isEqualTo(-1);
    assertThatThrownBy(reader::next)
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("t#1")
        .hasMessageContaining(String.valueOf(limit + 1))
        .hasMessageContaining("before the connection is ready")
        .hasMessageContaining(String.valueOf(limit));
  }

  @Test
  void afterReadyALengthAboveTheMaximumIsStillRefused() {
    FrameReader reader = new FrameReader(new ShortReads(wire(List.of(), 1025), 1, 10), 1024, "t");
    reader.allowLargeFrames();
    assertThatThrownBy(reader::next)
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("maximum frame size of 1024");
  }

  @Test
  void aPeerThatAnnounces256MiBAndSends2MiBCostsAFewMiB() {
    byte[] sent = pattern(2 << 20, 3);
    byte[] bytes = new byte[4 + sent.length];
    ByteBuffer.wrap(bytes).putInt(MAX).put(sent);
    FrameReader reader = new FrameReader(new ShortReads(bytes, 3, 1 << 16), MAX, "t");
    reader.allowLargeFrames();
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    long before = threads.getCurrentThreadAllocatedBytes();
    assertThatThrownBy(reader::next)
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("received " + sent.length + " of " + MAX);
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;

    assertThat(allocated)
        .as("bytes allocated reading 2 MiB of an announced 256 MiB frame")
        .isLessThan(16L << 20);
  }
}
