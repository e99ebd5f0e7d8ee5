package org.witrpc.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The shared-memory floor: a raw 64-byte ping-pong between two JVMs over one mapped file, with no
 * framing, no serialization and no fallback to parking. What witrpc's {@code mmf://} adds on top of
 * this is its cost.
 *
 * <pre>
 *   offset   0: request sequence  (long, written by the client with release)
 *   offset  64: request payload   (64 bytes)
 *   offset 128: reply sequence    (long, written by the server with release)
 *   offset 192: reply payload     (64 bytes)
 * </pre>
 *
 * Each side writes the payload first, then publishes the sequence with a release store; the other
 * side reads the sequence with an acquire load, so the payload it then reads is complete. The
 * sequences sit on their own cache lines. A waiter spins with {@link Thread#onSpinWait} and yields
 * every {@value #SPINS_BEFORE_YIELD} spins, so two spinners on one core still make progress.
 *
 * <p>Thread safety: one client thread and one server thread per mapping.
 */
final class ShmPingPong implements AutoCloseable {
  static final int MESSAGE_BYTES = 64;
  static final int FILE_BYTES = 4096;
  private static final int REQUEST_SEQUENCE = 0;
  private static final int REQUEST_PAYLOAD = 64;
  private static final int REPLY_SEQUENCE = 128;
  private static final int REPLY_PAYLOAD = 192;
  private static final long STOP = -1;
  private static final int SPINS_BEFORE_YIELD = 1_000;
  private static final VarHandle LONGS =
      MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

  private final FileChannel channel;
  private final MappedByteBuffer buffer;
  private final byte[] message = new byte[MESSAGE_BYTES];
  private long sequence;

  private ShmPingPong(FileChannel channel, MappedByteBuffer buffer) {
    this.channel = channel;
    this.buffer = buffer;
  }

  /** Maps {@code file} (created and sized if needed). */
  static ShmPingPong map(Path file) {
    try {
      FileChannel channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      return new ShmPingPong(channel, channel.map(FileChannel.MapMode.READ_WRITE, 0, FILE_BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot map " + file, e);
    }
  }

  /** Client: sends one 64-byte message and waits for its echo. */
  void roundTrip() {
    long seq = ++sequence;
    message[0] = (byte) seq;
    buffer.put(REQUEST_PAYLOAD, message);
    LONGS.setRelease(buffer, REQUEST_SEQUENCE, seq);
    awaitValue(REPLY_SEQUENCE, seq);
    buffer.get(REPLY_PAYLOAD, message);
  }

  /** Client: tells the server to stop. */
  void stopServer() {
    LONGS.setRelease(buffer, REQUEST_SEQUENCE, STOP);
  }

  /** Server: echoes requests until the client sends stop. */
  void serve() {
    long seen = 0;
    while (true) {
      long seq = awaitChange(REQUEST_SEQUENCE, seen);
      if (seq == STOP) {
        return;
      }
      seen = seq;
      buffer.get(REQUEST_PAYLOAD, message);
      buffer.put(REPLY_PAYLOAD, message);
      LONGS.setRelease(buffer, REPLY_SEQUENCE, seq);
    }
  }

  private void awaitValue(int offset, long expected) {
    int spins = 0;
    while ((long) LONGS.getAcquire(buffer, offset) != expected) {
      spins = spin(spins);
    }
  }

  private long awaitChange(int offset, long old) {
    int spins = 0;
    long value;
    while ((value = (long) LONGS.getAcquire(buffer, offset)) == old) {
      spins = spin(spins);
    }
    return value;
  }

  private static int spin(int spins) {
    if (spins >= SPINS_BEFORE_YIELD) {
      Thread.yield();
      return 0;
    }
    Thread.onSpinWait();
    return spins + 1;
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
