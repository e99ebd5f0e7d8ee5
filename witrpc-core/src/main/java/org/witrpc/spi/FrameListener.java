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
   * touches it again, so it may be kept or handed to another thread.
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
}
