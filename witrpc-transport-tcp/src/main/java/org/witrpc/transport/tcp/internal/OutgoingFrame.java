package org.witrpc.transport.tcp.internal;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;

/**
 * The bytes of one frame being sent, taken chunk by chunk from the caller's buffers; {@link
 * #detach} copies what is left when the caller leaves before the frame is out.
 *
 * <p>Thread safety: not thread-safe; owned by the holder of the connection's send role.
 */
final class OutgoingFrame {
  private final int length;
  private ByteBuffer[] parts;
  private int part;
  private int remaining;
  private boolean started;

  OutgoingFrame(int length, ByteBuffer[] parts) {
    this.length = length;
    this.parts = parts;
    this.remaining = length;
  }

  int length() {
    return length;
  }

  int remaining() {
    return remaining;
  }

  /** Whether its first chunk has been handed to the channel (it can no longer be withdrawn). */
  boolean started() {
    return started;
  }

  boolean done() {
    return started && remaining == 0;
  }

  /** Copies the next {@code bytes} bytes into {@code out} and marks the frame started. */
  void copyTo(ByteBuf out, int bytes) {
    int left = bytes;
    while (left > 0) {
      ByteBuffer source = parts[part];
      if (!source.hasRemaining()) {
        part++;
        continue;
      }
      int n = Math.min(left, source.remaining());
      int limit = source.limit();
      source.limit(source.position() + n);
      out.writeBytes(source); // advances source
      source.limit(limit);
      left -= n;
    }
    remaining -= bytes;
  }

  void markStarted() {
    started = true;
  }

  /** Copies the bytes not yet sent, so that the caller may reuse its buffers. */
  void detach() {
    ByteBuffer rest = ByteBuffer.allocate(remaining);
    for (int i = part; i < parts.length; i++) {
      rest.put(parts[i]);
    }
    parts = new ByteBuffer[] {rest.flip()};
    part = 0;
  }
}
