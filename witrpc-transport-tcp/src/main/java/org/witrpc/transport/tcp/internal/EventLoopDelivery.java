package org.witrpc.transport.tcp.internal;

import io.netty.channel.Channel;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.witrpc.spi.FrameListener;

/**
 * The {@link FrameDelivery} of a listener that {@linkplain FrameListener#neverBlocks never blocks}
 * (the client's: it completes calls and queues callbacks): calls it on the channel's event loop, as
 * the decoder hands over each frame, so a frame reaches it without waking another thread. Nothing
 * waits in between, so nothing is queued and reading never has to pause: while the listener runs,
 * the event loop reads nothing. {@code onClosed} runs on the event loop too, as a task of its own
 * (never inside an {@code onFrame}), or on the closing thread once the event loop is shut down.
 *
 * <p>Thread safety: {@link #frame} on the event loop only; {@link #end} from any thread.
 */
final class EventLoopDelivery implements FrameDelivery {

  private final Channel channel;
  private final String description;
  private final FrameListener listener;
  private final Consumer<Throwable> fail;
  private final CountDownLatch closedDelivered = new CountDownLatch(1);

  private volatile boolean ended;

  /**
   * @param fail closes the connection with a cause; called on the event loop when the listener
   *     throws an {@link Error}
   */
  EventLoopDelivery(
      Channel channel, String description, FrameListener listener, Consumer<Throwable> fail) {
    this.channel = channel;
    this.description = description;
    this.listener = listener;
    this.fail = fail;
  }

  @Override
  public void start() {
    // nothing to start: the event loop delivers
  }

  @Override
  public void frame(ByteBuffer frame) {
    if (ended) {
      return; // nothing after the end
    }
    ListenerCalls.onFrame(listener, frame, description, fail);
  }

  @Override
  public boolean readsPaused() {
    return false;
  }

  /** Called once. Nothing waits for the listener, so {@code deliverWaiting} changes nothing. */
  @Override
  public void end(Throwable cause, boolean deliverWaiting) {
    ended = true;
    try {
      channel.eventLoop().execute(() -> deliverClosed(cause));
    } catch (RejectedExecutionException e) {
      deliverClosed(cause); // the event loop is gone: it delivers nothing any more
    }
  }

  private void deliverClosed(Throwable cause) {
    try {
      ListenerCalls.onClosed(listener, cause, description);
    } finally {
      closedDelivered.countDown();
    }
  }

  @Override
  public boolean awaitEnd(long millis) throws InterruptedException {
    if (channel.eventLoop().inEventLoop()) {
      return true; // the listener (or another of this loop's): onClosed runs after this task
    }
    return closedDelivered.await(millis, TimeUnit.MILLISECONDS);
  }
}
