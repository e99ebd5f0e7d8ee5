package org.witrpc.transport.tcp.internal;

import io.netty.channel.Channel;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.witrpc.spi.FrameListener;

/**
 * How a {@link NettyConnection} hands its received frames, then its end, to its {@link
 * FrameListener}: one call at a time, in order, {@code onClosed} exactly once and after the last
 * {@code onFrame}. A listener that {@linkplain FrameListener#neverBlocks never blocks} is called on
 * the channel's event loop ({@link EventLoopDelivery}: no thread hand-off per frame); any other on
 * a thread of the connection's own ({@link ThreadDelivery}), so that it delays no other connection
 * of the event loop, except the frames it {@linkplain FrameListener#onFrameIfQuick takes on the
 * event loop} while that thread has nothing to do.
 *
 * <p>Thread safety: {@link #frame} is called by the event loop only; {@link #end} by whoever closes
 * the connection first.
 */
interface FrameDelivery {

  /**
   * The delivery {@code listener} needs; {@link #start} begins it.
   *
   * @param quick offers a frame to the listener's {@link FrameListener#onFrameIfQuick} on the event
   *     loop; true if it took the frame
   */
  static FrameDelivery of(
      Channel channel,
      String description,
      String threadName,
      FrameListener listener,
      Consumer<Throwable> fail,
      Predicate<ByteBuffer> quick) {
    return listener.neverBlocks()
        ? new EventLoopDelivery(channel, description, listener, fail)
        : new ThreadDelivery(channel, description, threadName, listener, fail, quick);
  }

  /** Begins delivering (before the first frame). */
  void start();

  /** A received frame (event loop). */
  void frame(ByteBuffer frame);

  /**
   * Whether this side has stopped reading because its listener is behind: the peer's silence then
   * says nothing about the peer.
   */
  boolean readsPaused();

  /**
   * The connection ended: {@code onClosed(cause)} follows. Frames still waiting are delivered first
   * if {@code deliverWaiting} (the peer closed after sending them), else dropped (a local close or
   * a failure: nothing is delivered after it).
   */
  void end(Throwable cause, boolean deliverWaiting);

  /**
   * Waits up to {@code millis} for {@code onClosed} to return, unless called on the thread that
   * calls the listener; false if it has not returned by then.
   */
  boolean awaitEnd(long millis) throws InterruptedException;
}
