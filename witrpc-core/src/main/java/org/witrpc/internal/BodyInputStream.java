package org.witrpc.internal;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The remaining bytes of a buffer as a stream, for parsers that take large bodies as streams. It
 * lets go of the buffer when closed, so a parser that caches its last input per thread (as
 * MessagePack's does) keeps an empty stream alive, not a whole frame.
 *
 * <p>Thread safety: not thread-safe; one parser reads it.
 */
final class BodyInputStream extends InputStream {
  private ByteBuffer buffer;

  /** Reads {@code buffer}'s remaining bytes from a duplicate; {@code buffer} is not changed. */
  BodyInputStream(ByteBuffer buffer) {
    this.buffer = Objects.requireNonNull(buffer, "buffer == null").duplicate();
  }

  @Override
  public int read() {
    ByteBuffer b = buffer;
    return b == null || !b.hasRemaining() ? -1 : b.get() & 0xFF;
  }

  @Override
  public int read(byte[] target, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, target.length);
    ByteBuffer b = buffer;
    if (length == 0) {
      return 0;
    }
    if (b == null || !b.hasRemaining()) {
      return -1;
    }
    int n = Math.min(length, b.remaining());
    b.get(target, offset, n);
    return n;
  }

  @Override
  public int available() {
    ByteBuffer b = buffer;
    return b == null ? 0 : b.remaining();
  }

  @Override
  public void close() {
    buffer = null;
  }
}
