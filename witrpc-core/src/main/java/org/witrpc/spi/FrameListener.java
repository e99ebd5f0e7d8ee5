package org.witrpc.spi;

import java.nio.ByteBuffer;

/**
 * Receives the frames of one {@link Connection}, and its end.
 *
 * <p>Thread safety: the transport calls the methods of one listener from one thread at a time (its
 * reader), in order. Implementations must not block for long in {@link #onFrame}: hand slow work to
 * another thread.
 */
public interface FrameListener {

  /**
   * Called once per received frame, in the order the peer sent them. The buffer holds exactly the
   * frame (position 0, limit = frame length) and belongs to the listener: the transport never
   * touches it again, so it may be kept or handed to another thread. A listener done with a large
   * frame may give its memory back with {@link Connection#recycle}.
   */
  void onFrame(ByteBuffer frame);

  /**
   * Called exactly once, when the connection ends for any reason: local {@link Connection#close()},
   * peer close, peer death or a transport error. No {@link #onFrame} call follows it.
   *
   * @param cause null after a local {@link Connection#close()}; otherwise a {@link
   *     org.witrpc.WitTransportException} saying why the connection ended
   */
  void onClosed(Throwable cause);

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
