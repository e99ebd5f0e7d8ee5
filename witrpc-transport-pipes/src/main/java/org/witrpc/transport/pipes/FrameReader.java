package org.witrpc.transport.pipes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import org.witrpc.WitTransportException;
import org.witrpc.spi.FrameBufferGrowth;
import org.witrpc.spi.TransportOptions;

/**
 * Reads length-prefixed frames ({@link PipeWire}) from a channel, through a small direct buffer so
 * that small frames cost one system call for many frames. Short reads are handled; the length is
 * checked against the limit before anything is allocated for the frame.
 *
 * <p>The limit is {@link TransportOptions#HANDSHAKE_FRAME_LIMIT} until {@link #allowLargeFrames()}
 * (the connection is READY), then the maximum frame size. A large frame is not allocated whole when
 * its length arrives: its buffer grows as its bytes arrive, as {@link FrameBufferGrowth} says (a
 * peer that announces 256 MiB and sends nothing costs 1 MiB).
 *
 * <p>Thread safety: {@link #next} is owned by one connection's reader thread; {@link
 * #allowLargeFrames} may be called from any thread.
 */
final class FrameReader {

  private static final int BUFFER_BYTES = 64 << 10;

  private final ReadableByteChannel channel;
  private final int maxFrameSize;
  private final String description;
  private volatile int frameLimit;

  /** Read mode: the bytes between position and limit are received but not yet consumed. */
  private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES).flip();

  FrameReader(ReadableByteChannel channel, int maxFrameSize, String description) {
    this.channel = channel;
    this.maxFrameSize = maxFrameSize;
    this.description = description;
    this.frameLimit = Math.min(maxFrameSize, TransportOptions.HANDSHAKE_FRAME_LIMIT);
  }

  /** Accepts frames up to the maximum frame size from now on (the connection is READY). */
  void allowLargeFrames() {
    frameLimit = maxFrameSize;
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
    int limit = frameLimit;
    if (length < 0 || length > limit) {
      throw new WitTransportException(
          description
              + ": the peer announced a frame of "
              + Integer.toUnsignedLong(length)
              + " bytes, above "
              + (limit < maxFrameSize
                  ? "the limit before the connection is ready (handshake) of "
                  : "the maximum frame size of ")
              + limit
              + " bytes; closing the connection");
    }
    ByteBuffer frame = ByteBuffer.allocate(FrameBufferGrowth.firstCapacity(length));
    while (true) {
      if (!frame.hasRemaining()) {
        if (frame.capacity() == length) {
          break;
        }
        frame = grow(frame, length);
      }
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

  /** A larger buffer (see {@link FrameBufferGrowth}) holding the bytes received so far. */
  private static ByteBuffer grow(ByteBuffer frame, int length) {
    int capacity = FrameBufferGrowth.nextCapacity(frame.capacity(), frame.capacity() + 1, length);
    return ByteBuffer.allocate(capacity).put(frame.flip());
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
