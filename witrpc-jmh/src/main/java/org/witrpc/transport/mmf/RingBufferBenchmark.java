package org.witrpc.transport.mmf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One frame through the shared-memory ring: {@link RingBuffer#write} then {@link RingBuffer#read},
 * in one thread, through a ring of the default connection size ({@link MmfTransport#DEFAULT_SIZE})
 * laid out in a memory-mapped file in the runtime directory ({@code /dev/shm/witrpc-USER}) as a
 * connection's is. A frame larger than the ring's free space is fragmented; the writer then drains
 * the ring itself when it is full, so the number measures the ring's copying and bookkeeping, not a
 * peer's wake-up.
 *
 * <p>In the ring's package, on the class path, because the ring is package-private.
 *
 * <p>Thread safety: JMH gives each benchmark thread its own state (one ring, written and read by
 * that thread).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RingBufferBenchmark {
  /** The frame: a small call, a page, a 1 MiB value (fragmented through the ring). */
  @Param({"64", "4096", "1048576"})
  public int frameBytes;

  private RingFile file;
  private RingBuffer writer;
  private RingBuffer reader;
  private ByteBuffer frame;
  private ByteBuffer received;

  /** Maps the ring file and makes the frame. */
  @Setup
  public void setUp() throws IOException {
    file = new RingFile("jmh-ring");
    int maxFrame = 2 * frameBytes + 64;
    writer = file.ring(RingDescriptor.CLIENT_TO_SERVER, maxFrame);
    reader = file.ring(RingDescriptor.CLIENT_TO_SERVER, maxFrame);
    byte[] bytes = new byte[frameBytes];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i * 31 + 1);
    }
    frame = ByteBuffer.wrap(bytes);
  }

  /** Deletes the ring file. */
  @TearDown
  public void tearDown() {
    file.delete();
  }

  /** Writes one frame and reads it back (into a fresh heap buffer, as a connection's reader). */
  @Benchmark
  public ByteBuffer writeThenRead() {
    received = null;
    writer.write(new ByteBuffer[] {frame.duplicate()}, frameBytes, bytes -> drain());
    drain();
    return received;
  }

  private void drain() {
    while (reader.read(this::receive, Integer.MAX_VALUE) > 0) {
      // the sink keeps the completed frame
    }
  }

  private void receive(ByteBuffer complete) {
    received = complete;
  }
}
