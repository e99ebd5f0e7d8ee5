package org.witrpc.transport.pipes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import org.witrpc.WitTransportException;
import org.witrpc.internal.FrameBufferGrowth;
import org.witrpc.spi.TransportOptions;

/**
 * Reads length-prefixed frames ({@link PipeWire}) from a non-blocking channel, through a small
 * direct buffer so that small frames cost one system call for many frames. A frame that has not
 * fully arrived is kept and completed by a later {@link #next} call, so the reader never waits for
 * bytes: whoever calls it gives its thread back when the socket is empty. The length is checked
 * against the limit before anything is allocated for the frame.
 *
 * <p>The limit is {@link TransportOptions#HANDSHAKE_FRAME_LIMIT} until {@link #allowLargeFrames()}
 * (the connection is READY), then the maximum frame size. A large frame is not allocated whole when
 * its length arrives: its buffer grows as its bytes arrive, as {@link FrameBufferGrowth} says (a
 * peer that announces 256 MiB and sends nothing costs 1 MiB).
 *
 * <p>Thread safety: {@link #next} is called by one thread at a time (the connection's deliverer of
 * the moment; the hand-over between deliverers orders their calls); {@link #allowLargeFrames} may
 * be called from any thread.
 */
final class FrameReader {

  private static final int BUFFER_BYTES = 64 << 10;

  private final ReadableByteChannel channel;
  private final int maxFrameSize;
  private final String description;
  private volatile int frameLimit;

  /** Read mode: the bytes between position and limit are received but not yet consumed. */
  private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES).flip();

  /** The frame being received (its length read, its body not complete), or null between frames. */
  private ByteBuffer frame;

  private int length;
  private boolean ended;

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
   * The next frame (position 0, limit = its length), or null if no whole frame has arrived yet or
   * the peer closed the stream cleanly between two frames ({@link #ended()} tells which).
   *
   * @throws WitTransportException if the length is out of bounds or the stream ends inside a frame
   * @throws IOException if reading fails
   */
  ByteBuffer next() throws IOException {
    if (frame == null && !startFrame()) {
      if (ended && buffer.hasRemaining()) {
        throw truncated("the length prefix", buffer.remaining(), PipeWire.LENGTH_PREFIX_BYTES);
      }
      return null;
    }
    while (true) {
      if (!frame.hasRemaining()) {
        if (frame.capacity() == length) {
          ByteBuffer complete = frame.flip();
          frame = null;
          return complete;
        }
        frame = grow(frame, length);
      }
      if (buffer.hasRemaining()) {
        int n = Math.min(buffer.remaining(), frame.remaining());
        frame.put(buffer.slice(buffer.position(), n));
        buffer.position(buffer.position() + n);
      } else if (frame.remaining() >= BUFFER_BYTES ? !readDirectly() : !fill(1)) {
        if (ended) {
          throw truncated("a frame", frame.position(), length);
        }
        return null;
      }
    }
  }

  /**
   * True if a whole frame (or a length to refuse) is already in the buffer: {@link #next} returns
   * it without reading the channel, and no more bytes may come on the socket to say it is there.
   */
  boolean hasBufferedFrame() {
    if (frame != null || buffer.remaining() < PipeWire.LENGTH_PREFIX_BYTES) {
      return false;
    }
    int announced = buffer.getInt(buffer.position());
    return announced < 0 || buffer.remaining() - PipeWire.LENGTH_PREFIX_BYTES >= announced;
  }

  /** True once the peer ended the stream (a clean end if {@link #next} returned null). */
  boolean ended() {
    return ended;
  }

  /** Reads the next length prefix and allocates its frame; false if it has not arrived yet. */
  private boolean startFrame() throws IOException {
    if (!fill(PipeWire.LENGTH_PREFIX_BYTES)) {
      return false;
    }
    length = buffer.getInt();
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
    frame = ByteBuffer.allocate(FrameBufferGrowth.firstCapacity(length));
    return true;
  }

  /** A larger buffer (see {@link FrameBufferGrowth}) holding the bytes received so far. */
  private static ByteBuffer grow(ByteBuffer frame, int length) {
    int capacity = FrameBufferGrowth.nextCapacity(frame.capacity(), frame.capacity() + 1, length);
    return ByteBuffer.allocate(capacity).put(frame.flip());
  }

  /** Reads a large frame's body straight into it, in bounded chunks; false if nothing came. */
  private boolean readDirectly() throws IOException {
    int limit = frame.limit();
    frame.limit(frame.position() + Math.min(frame.remaining(), PipeWire.MAX_IO_CHUNK));
    int n;
    try {
      n = channel.read(frame);
    } finally {
      frame.limit(limit);
    }
    ended = n < 0;
    return n > 0;
  }

  /**
   * Makes at least {@code bytes} bytes available in the buffer, as far as they have arrived; false
   * if they have not (yet, or ever: {@link #ended}).
   */
  private boolean fill(int bytes) throws IOException {
    if (buffer.remaining() >= bytes) {
      return true;
    }
    buffer.compact();
    try {
      while (buffer.position() < bytes) {
        int n = channel.read(buffer);
        if (n <= 0) {
          ended = n < 0;
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
