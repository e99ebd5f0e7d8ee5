package org.witrpc.transport.pipes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;

/**
 * One length-prefixed frame ({@link PipeWire}) on its way to a non-blocking channel: the length
 * prefix and the parts go out with gathering writes of at most {@link PipeWire#MAX_IO_CHUNK} bytes,
 * as far as the socket takes them; the owner calls {@link #writeSome} again once the socket is
 * writable. A frame whose sender gave up half-way is {@link #detach}ed: its unwritten bytes are
 * copied, so the sender's buffers are free while the frame is finished by another thread.
 *
 * <p>Thread safety: not thread-safe; used by the holder of the connection's send role.
 */
final class FrameWriter {

  /** Most buffers handed to one gathering write; well below every system's IOV_MAX. */
  private static final int MAX_BUFFERS_PER_WRITE = 64;

  private ByteBuffer[] all;
  private final long length;
  private long written;
  private int first;

  /** A frame of {@code length} bytes: the prefix, then every remaining byte of {@code parts}. */
  FrameWriter(int length, ByteBuffer[] parts) {
    this.length = PipeWire.LENGTH_PREFIX_BYTES + (long) length;
    all = new ByteBuffer[parts.length + 1];
    all[0] = ByteBuffer.allocate(PipeWire.LENGTH_PREFIX_BYTES).putInt(0, length);
    System.arraycopy(parts, 0, all, 1, parts.length);
  }

  /**
   * Writes as much as the channel takes now.
   *
   * @return the number of bytes written by this call; 0 if the socket buffer is full
   */
  long writeSome(GatheringByteChannel channel) throws IOException {
    long before = written;
    ByteBuffer[] batch = new ByteBuffer[Math.min(all.length, MAX_BUFFERS_PER_WRITE)];
    int[] limits = new int[batch.length];
    while (true) {
      while (first < all.length && !all[first].hasRemaining()) {
        first++;
      }
      if (first == all.length) {
        return written - before;
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
      long n;
      try {
        n = channel.write(batch, 0, count);
      } finally {
        for (int i = 0; i < count; i++) {
          batch[i].limit(limits[i]);
        }
      }
      written += n;
      if (n == 0) {
        return written - before;
      }
    }
  }

  /** True once every byte of the frame is written. */
  boolean done() {
    return written == length;
  }

  /** True once a byte of the frame is written: from then on the frame must be finished. */
  boolean started() {
    return written > 0;
  }

  /** Copies the unwritten bytes, so that the caller's buffers are no longer read. */
  void detach() {
    ByteBuffer rest = ByteBuffer.allocate((int) (length - written));
    for (int i = first; i < all.length; i++) {
      rest.put(all[i]);
    }
    all = new ByteBuffer[] {rest.flip()};
    first = 0;
  }
}
