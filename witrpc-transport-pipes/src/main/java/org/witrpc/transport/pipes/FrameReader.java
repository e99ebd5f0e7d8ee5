package org.witrpc.transport.pipes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import org.witrpc.WitTransportException;

/**
 * Reads length-prefixed frames ({@link PipeWire}) from a channel, through a small direct buffer so
 * that small frames cost one system call for many frames. Short reads are handled; the length is
 * checked against the maximum frame size before the frame is allocated.
 *
 * <p>Thread safety: not thread-safe; owned by one connection's reader thread.
 */
final class FrameReader {

  private static final int BUFFER_BYTES = 64 << 10;

  private final ReadableByteChannel channel;
  private final int maxFrameSize;
  private final String description;

  /** Read mode: the bytes between position and limit are received but not yet consumed. */
  private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES).flip();

  FrameReader(ReadableByteChannel channel, int maxFrameSize, String description) {
    this.channel = channel;
    this.maxFrameSize = maxFrameSize;
    this.description = description;
  }

  /**
   * The next frame (position 0, limit = its length), or null if the peer closed the stream cleanly
   * between two frames.
   *
   * @throws WitTransportException if the length is out of bounds or the stream ends inside a frame
   * @throws IOException if reading fails
   */
  ByteBuffer next() throws IOException {
    if (!fill(PipeWire.LENGTH_PREFIX_BYTES)) {
      if (buffer.hasRemaining()) {
        throw truncated("the length prefix", buffer.remaining(), PipeWire.LENGTH_PREFIX_BYTES);
      }
      return null;
    }
    int length = buffer.getInt();
    if (length < 0 || length > maxFrameSize) {
      throw new WitTransportException(
          description
              + ": the peer announced a frame of "
              + Integer.toUnsignedLong(length)
              + " bytes, above the maximum frame size of "
              + maxFrameSize
              + " bytes; closing the connection");
    }
    ByteBuffer frame = ByteBuffer.allocate(length);
    while (frame.hasRemaining()) {
      if (buffer.hasRemaining()) {
        int n = Math.min(buffer.remaining(), frame.remaining());
        frame.put(buffer.slice(buffer.position(), n));
        buffer.position(buffer.position() + n);
      } else if (frame.remaining() >= BUFFER_BYTES) {
        readDirectly(frame, length);
      } else if (!fill(frame.remaining())) {
        frame.put(buffer);
        throw truncated("a frame", frame.position(), length);
      }
    }
    return frame.flip();
  }

  /** Reads a large frame's body straight into it, in bounded chunks. */
  private void readDirectly(ByteBuffer frame, int length) throws IOException {
    int limit = frame.limit();
    frame.limit(frame.position() + Math.min(frame.remaining(), PipeWire.MAX_IO_CHUNK));
    int n;
    try {
      n = channel.read(frame);
    } finally {
      frame.limit(limit);
    }
    if (n < 0) {
      throw truncated("a frame", frame.position(), length);
    }
  }

  /** Makes at least {@code bytes} bytes available in the buffer; false at end of stream. */
  private boolean fill(int bytes) throws IOException {
    if (buffer.remaining() >= bytes) {
      return true;
    }
    buffer.compact();
    try {
      while (buffer.position() < bytes) {
        if (channel.read(buffer) < 0) {
          return false;
        }
      }
      return true;
    } finally {
      buffer.flip();
    }
  }

  private WitTransportException truncated(String what, long received, long expected) {
    return new WitTransportException(
        description
            + ": the peer closed the connection in the middle of "
            + what
            + " (received "
            + received
            + " of "
            + expected
            + " bytes)");
  }
}
