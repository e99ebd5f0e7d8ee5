package org.witrpc.spi;

import java.nio.ByteBuffer;

/**
 * Receives the frames of one {@link Connection}, and its end.
 *
 * <p>Thread safety: the transport calls the methods of one listener from one thread at a time (its
 * reader, or an I/O thread for {@link #onFrameIfQuick}), in order: each call happens-before the
 * next. Implementations must not block for long in {@link #onFrame}: hand slow work to another
 * thread.
 */
public interface FrameListener {

  /** The smallest frame for which a transport asks {@link #largeValueSpan}. */
  int LARGE_VALUE_FRAME_BYTES = 1 << 20;

  /**
   * Called once per received frame, in the order the peer sent them. The buffer holds exactly the
   * frame (position 0, limit = frame length) and belongs to the listener: the transport never
   * touches it again, so it may be kept or handed to another thread. A listener done with a large
   * frame may give its memory back with {@link Connection#recycle}.
   */
  void onFrame(ByteBuffer frame);

  /**
   * Where a frame being received holds one large value that this listener reads as a whole {@code
   * byte[]} (a MessagePack binary argument or result, say), or null. A transport that copies a
   * large frame out of its own memory (the shared-memory ring) may ask, once per frame of at least
   * {@link #LARGE_VALUE_FRAME_BYTES}, with the frame's first bytes as they arrive; it then receives
   * the value's bytes straight into an array of exactly {@link ValueSpan#length()} bytes and the
   * others into the frame's buffer, and hands both over through {@link #onFrame(ByteBuffer,
   * ValueSpan, byte[])}: the value's bytes are copied once on this side instead of twice (into the
   * frame, then out of it into the value), and the frame's buffer stays small. The default is null:
   * the frame comes whole. Called on the thread that delivers the connection's frames (for a
   * listener that {@linkplain #neverBlocks never blocks}, possibly one that serves every connection
   * of the process), between frames; must be quick and must not block. A listener that throws is
   * not asked again on that connection.
   *
   * @param head the frame's first bytes, from the frame's first byte at position 0 (read-only,
   *     valid only during the call; at least the envelope header, often much more, at times the
   *     whole frame)
   * @param frameLength the whole frame's length
   * @return the span of the value's bytes (inside the frame; a transport ignores any other), or
   *     null if none
   */
  default ValueSpan largeValueSpan(ByteBuffer head, int frameLength) {
    return null;
  }

  /**
   * Called instead of {@link #onFrame(ByteBuffer)} for a frame whose {@linkplain #largeValueSpan
   * large value} the transport received apart: {@code frame} holds the frame's other bytes (those
   * before {@code span}, directly followed by those after it; position 0, {@code frameLength -
   * span.length()} bytes) and {@code value} the span's. Both belong to the listener. The default
   * puts the two back together into one new buffer and calls {@link #onFrame(ByteBuffer)}, so a
   * listener that names spans but reads some frames as usual still sees every byte.
   *
   * @param span where {@code value}'s bytes belong in the frame
   * @param value exactly {@code span.length()} bytes
   */
  default void onFrame(ByteBuffer frame, ValueSpan span, byte[] value) {
    int at = frame.position();
    onFrame(
        ByteBuffer.allocate(frame.remaining() + span.length())
            .put(frame.slice(at, span.offset()))
            .put(value, 0, span.length())
            .put(frame.slice(at + span.offset(), frame.remaining() - span.offset()))
            .flip());
  }

  /**
   * Called exactly once, when the connection ends for any reason: local {@link Connection#close()},
   * peer close, peer death or a transport error. No {@link #onFrame} call follows it.
   *
   * @param cause null after a local {@link Connection#close()}; otherwise a {@link
   *     org.witrpc.WitTransportException} saying why the connection ended
   */
  void onClosed(Throwable cause);

  /**
   * Handles {@code frame} as {@link #onFrame} would, but only if that can be done without blocking
   * and quickly (a few microseconds); else returns false without handling it, and the transport
   * calls {@link #onFrame} with the same frame later. A transport whose I/O threads serve many
   * connections calls it on the I/O thread that read the frame, and only when no earlier frame of
   * the connection is waiting for or being handled by {@link #onFrame}, so frames still reach the
   * listener one at a time and in order; this saves the thread hand-off of frames that need no
   * waiting (a server's answer to a method known to be quick, a cancellation) while a frame that
   * may wait still delays no other connection. Transports that read each connection on a thread of
   * its own, and listeners that {@linkplain #neverBlocks never block}, are not asked.
   *
   * <p>While it runs, a send on this listener's connection never waits: {@link
   * Connection#sendBefore} returns false at once if the frame cannot go out without waiting, and
   * {@link Connection#send} then throws {@link IllegalStateException}. Nor may the listener wait
   * for anything else: the I/O thread serves other connections meanwhile. The default is false:
   * every frame goes to {@link #onFrame}.
   *
   * @param frame as for {@link #onFrame}; the listener may read it (a duplicate, say) before it
   *     decides, but must leave its position and limit unchanged when it returns false
   * @return true if the frame was handled (it then belongs to the listener), false if {@link
   *     #onFrame} is to handle it
   */
  default boolean onFrameIfQuick(ByteBuffer frame) {
    return false;
  }

  /**
   * Whether this listener never waits: {@link #onFrame} and {@link #onClosed} return quickly, never
   * block (on I/O, a lock held for long elsewhere, a condition, another connection) and never send
   * on their connection ({@link Connection#close()} is allowed). A transport whose I/O threads
   * serve many connections may then call it on the I/O thread that read the frame, which saves a
   * thread hand-off per frame; for any other listener such a transport hands the frames to a thread
   * of the connection's own, so that a listener that waits delays no other connection. Transports
   * that read each connection on a thread of its own ignore it. The default is false.
   */
  default boolean neverBlocks() {
    return false;
  }
}
