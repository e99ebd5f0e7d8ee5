package org.witrpc.transport.tcp.internal;

import io.netty.channel.Channel;
import java.nio.ByteBuffer;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.witrpc.spi.FrameListener;

/**
 * The {@link FrameDelivery} of a listener that may wait: hands one connection's received frames
 * from the Netty event loop to its {@link FrameListener} on a thread of the connection's own, so
 * that a listener that takes long (a service method run inline) delays only its own connection,
 * never the other connections of the same event loop. Then delivers the end of the connection,
 * exactly once, after the last frame.
 *
 * <p>Memory stays bounded: while more than {@link #PAUSE_BYTES} (or {@link #PAUSE_FRAMES} frames)
 * wait for the listener, the channel stops reading ({@code autoRead} off), so the peer's sends wait
 * in TCP's flow control instead of in this queue; reading resumes when half of it is delivered.
 *
 * <p>Thread safety: {@link #frame} is called by the event loop only; {@link #end} by whoever closes
 * the connection first; the listener is called only from the delivery thread.
 */
final class ThreadDelivery implements FrameDelivery {

  /** Bytes waiting for the listener above which the channel stops reading. */
  static final long PAUSE_BYTES = 256 << 10;

  /** Frames waiting for the listener above which the channel stops reading. */
  static final int PAUSE_FRAMES = 4096;

  private static final Object END = new Object();

  private final Channel channel;
  private final String description;
  private final FrameListener listener;
  private final Consumer<Throwable> fail;
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final Thread thread;

  private volatile Throwable endCause;
  private volatile boolean ended;
  private volatile boolean readsPaused; // written under this
  private long queuedBytes; // guarded by this
  private int queuedFrames; // guarded by this

  /**
   * @param fail closes the connection with a cause; called from the delivery thread when the
   *     listener throws an {@link Error}
   */
  ThreadDelivery(
      Channel channel,
      String description,
      String threadName,
      FrameListener listener,
      Consumer<Throwable> fail) {
    this.channel = channel;
    this.description = description;
    this.listener = listener;
    this.fail = fail;
    this.thread = new Thread(this::run, threadName);
    thread.setDaemon(true);
  }

  @Override
  public void start() {
    thread.start();
  }

  /** A received frame (event loop). Stops reading if too much waits. */
  @Override
  public void frame(ByteBuffer frame) {
    synchronized (this) {
      queuedBytes += frame.remaining();
      queuedFrames++;
      if (!readsPaused && (queuedBytes > PAUSE_BYTES || queuedFrames > PAUSE_FRAMES)) {
        // before the frame is queued: the delivery thread must see the pause when it takes it
        readsPaused = true;
        channel.config().setAutoRead(false);
      }
    }
    queue.add(frame);
  }

  /**
   * Whether this side has stopped reading because its listener is behind: the peer's silence then
   * says nothing about the peer.
   */
  @Override
  public boolean readsPaused() {
    return readsPaused;
  }

  /**
   * The connection ended: {@code onClosed(cause)} follows. Frames still waiting are delivered first
   * if {@code deliverWaiting} (the peer closed after sending them), else dropped (a local close or
   * a failure: nothing is delivered after it).
   */
  @Override
  public void end(Throwable cause, boolean deliverWaiting) {
    endCause = cause;
    if (!deliverWaiting) {
      ended = true;
    }
    queue.add(END);
  }

  /** Waits up to {@code millis} for {@code onClosed} to return, unless called by the listener. */
  @Override
  public boolean awaitEnd(long millis) throws InterruptedException {
    if (Thread.currentThread() == thread || thread.getState() == Thread.State.NEW) {
      return true;
    }
    thread.join(millis);
    return !thread.isAlive();
  }

  private void run() {
    while (true) {
      Object next;
      try {
        // an interrupt left by a listener (an inline method restoring it) must not end delivery
        Thread.interrupted();
        next = queue.take();
      } catch (InterruptedException e) {
        continue;
      }
      if (next == END) {
        ListenerCalls.onClosed(listener, endCause, description);
        return;
      }
      ByteBuffer frame = (ByteBuffer) next;
      taken(frame.remaining());
      if (ended) {
        continue; // closed meanwhile: no frame after the end
      }
      ListenerCalls.onFrame(listener, frame, description, fail);
    }
  }

  private void taken(int bytes) {
    boolean resume = false;
    synchronized (this) {
      queuedBytes -= bytes;
      queuedFrames--;
      if (readsPaused && queuedBytes <= PAUSE_BYTES / 2 && queuedFrames <= PAUSE_FRAMES / 2) {
        readsPaused = false;
        resume = true;
      }
    }
    if (resume) {
      try {
        channel.eventLoop().execute(this::resumeReading);
      } catch (RejectedExecutionException e) {
        // the event loop is shutting down: the channel is closing, nothing more to read
      }
    }
  }

  /** Reads again unless paused again meanwhile (event loop). */
  private void resumeReading() {
    synchronized (this) {
      if (!readsPaused) {
        channel.config().setAutoRead(true);
      }
    }
  }
}
