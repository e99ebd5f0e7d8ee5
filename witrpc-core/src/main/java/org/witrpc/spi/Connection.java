package org.witrpc.spi;

import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;

/**
 * One end of an open, message-oriented, bidirectional link made by a transport. Frames are opaque
 * byte sequences: the transport moves each one whole, in order, and never interprets it.
 *
 * <p>Thread safety: {@link #send} may be called from any number of threads at once; the bytes of
 * two frames are never interleaved. {@link #close} is idempotent and may race with {@code send}.
 */
public interface Connection {

  /**
   * Sends one frame made of the remaining bytes of {@code parts}, in order (typically an envelope
   * header and a body, written with one gathering write where the transport can). Blocks while the
   * transport applies back-pressure; never drops a frame. When this returns the transport no longer
   * reads the buffers, so the caller may reuse them. Buffer positions may be advanced.
   *
   * @throws org.witrpc.WitTransportException if the connection is closed or fails while sending, or
   *     the frame is larger than the transport's maximum frame size
   */
  void send(ByteBuffer... parts);

  /**
   * Optional fast path for a thread that waits for a reply. If the transport supports it and no
   * other thread is reading at this moment, the calling thread reads incoming frames itself and
   * delivers them to this connection's {@link FrameListener} (under the listener's usual contract:
   * one thread at a time, in order) until {@code done} returns true or {@link System#nanoTime()}
   * passes {@code deadlineNanos}. This saves the wake-up of a parked thread per reply, which costs
   * more than a whole shared-memory round trip.
   *
   * <p>Callers use it for a short spin budget only, then wait normally; the transport's own reader
   * takes over whenever no caller reads. Transports without the capability return false at once.
   *
   * @return true if {@code done} returned true
   */
  default boolean readUntil(BooleanSupplier done, long deadlineNanos) {
    return false;
  }

  /**
   * Lifts the limit on incoming frames: until called, the transport accepts frames of at most
   * {@link TransportOptions#HANDSHAKE_FRAME_LIMIT} bytes from the peer (a larger one closes the
   * connection before anything is allocated for it); after, up to its configured {@code
   * maxFrameSize}. The protocol layer calls it once the connection is READY (handshake and
   * authorization done), before it reads the next frame, so an unauthenticated peer can never make
   * this side allocate more than a handshake needs. Idempotent; may be called from any thread,
   * including the listener's. The default does nothing, for a transport that has no such limit.
   */
  default void allowLargeFrames() {}

  /** True until the connection is closed by either side or fails. */
  boolean isOpen();

  /**
   * Closes the connection and releases everything it holds (threads, sockets, mappings).
   * Idempotent. The peer sees the close as a disconnect; this side's {@link FrameListener#onClosed}
   * is called exactly once (if it has not been called already).
   */
  void close();

  /** A short human-readable description for logs and errors, for example {@code pipe://calc#3}. */
  String description();
}
