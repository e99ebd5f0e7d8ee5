package org.witrpc.transport.pipes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;

/**
 * Writes one length-prefixed frame ({@link PipeWire}) with gathering writes: the length prefix and
 * the parts go out together, in calls of at most {@link PipeWire#MAX_IO_CHUNK} bytes; short writes
 * are continued until every byte is written.
 *
 * <p>Thread safety: stateless; callers serialize frames on one channel (the connection's write
 * lock).
 */
final class FrameWriter {

  /** Most buffers handed to one gathering write; well below every system's IOV_MAX. */
  private static final int MAX_BUFFERS_PER_WRITE = 64;

  private FrameWriter() {}

  /** Writes the prefix for {@code length} bytes, then every remaining byte of {@code parts}. */
  static void write(GatheringByteChannel channel, int length, ByteBuffer[] parts)
      throws IOException {
    ByteBuffer[] all = new ByteBuffer[parts.length + 1];
    all[0] = ByteBuffer.allocate(PipeWire.LENGTH_PREFIX_BYTES).putInt(0, length);
    System.arraycopy(parts, 0, all, 1, parts.length);
    ByteBuffer[] batch = new ByteBuffer[Math.min(all.length, MAX_BUFFERS_PER_WRITE)];
    int[] limits = new int[batch.length];
    int first = 0;
    while (true) {
      while (first < all.length && !all[first].hasRemaining()) {
        first++;
      }
      if (first == all.length) {
        return;
      }
      int count = 0;
      long budget = PipeWire.MAX_IO_CHUNK;
      for (int i = first; i < all.length && count < batch.length && budget > 0; i++) {
        ByteBuffer b = all[i];
        int take = (int) Math.min(b.remaining(), budget);
        limits[count] = b.limit();
        b.limit(b.position() + take);
        batch[count++] = b;
        budget -= take;
      }
      try {
        channel.write(batch, 0, count);
      } finally {
        for (int i = 0; i < count; i++) {
          batch[i].limit(limits[i]);
        }
      }
    }
  }
}
