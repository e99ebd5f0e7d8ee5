package org.witrpc.transport.tcp.internal;

import io.netty.channel.Channel;
import java.nio.ByteBuffer;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.witrpc.spi.FrameListener;

/**
 * The {@link FrameDelivery} of a listener that may wait: hands one connection's received frames
 * from the Netty event loop to its {@link FrameListener} on a thread of the connection's own, so
 * that a listener that takes long (a service method run inline) delays only its own connection,
 * never the other connections of the same event loop. Then delivers the end of the connection,
 * exactly once, after the last frame.
 *
 * <p>A frame that arrives while that thread has nothing to do (no frame of the connection waits or
 * runs) is first offered to the listener on the event loop ({@link FrameListener#onFrameIfQuick},
 * through {@code quick}): a frame that needs no waiting (a quick method's request, a cancellation)
 * is then handled without waking the thread, and its answer is written from the event loop. A frame
 * the listener declines, and every frame behind a waiting or running one, is queued for the thread
 * as before, so frames still reach the listener one at a time and in order. The end is never
 * delivered while such an offer runs, and no offer is made after it.
 *
 * <p>Memory stays bounded: while more than {@link #PAUSE_BYTES} (or {@link #PAUSE_FRAMES} frames)
 * wait for the listener, the channel stops reading ({@code autoRead} off), so the peer's sends wait
 * in TCP's flow control instead of in this queue; reading resumes when half of it is delivered.
 *
 * <p>Thread safety: {@link #frame} is called by the event loop only; {@link #end} by whoever closes
 * the connection first; the listener is called from the delivery thread, or from the event loop
 * while the delivery thread has no frame (the count of {@code unfinished} frames, raised only by
 * the event loop, orders the two).
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
  private final Predicate<ByteBuffer> quick;
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final Thread thread;

  /** Frames queued or being handled by the delivery thread: raised by the event loop only. */
  private final AtomicInteger unfinished = new AtomicInteger();

  /** Held by an offer on the event loop and by the delivery thread when it starts the end. */
  private final Object endTurn = new Object();

  private boolean endDelivered; // guarded by endTurn

  private volatile Throwable endCause;
  private volatile boolean ended;
  private volatile boolean readsPaused; // written under this
  private long queuedBytes; // guarded by this
  private int queuedFrames; // guarded by this

  /**
   * @param fail closes the connection with a cause; called from the delivery thread when the
   *     listener throws an {@link Error}
   * @param quick offers a frame to the listener on the event loop; true if it took it
   */
  ThreadDelivery(
      Channel channel,
      String description,
      String threadName,
      FrameListener listener,
      Consumer<Throwable> fail,
      Predicate<ByteBuffer> quick) {
    this.channel = channel;
    this.description = description;
    this.listener = listener;
    this.fail = fail;
    this.quick = quick;
    this.thread = new Thread(this::run, threadName);
    thread.setDaemon(true);
  }

  @Override
  public void start() {
    thread.start();
  }

  /**
   * A received frame (event loop): handled here if the delivery thread has nothing to do and the
   * listener takes it at once, else queued. Stops reading if too much waits.
   */
  @Override
  public void frame(ByteBuffer frame) {
    if (unfinished.get() == 0 && offered(frame)) {
      return;
    }
    unfinished.incrementAndGet();
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

  /** Offers the frame to the listener on the event loop; true if it took it or the end came. */
  private boolean offered(ByteBuffer frame) {
    synchronized (endTurn) {
      if (endDelivered || ended) {
        return true; // nothing after the end
      }
      return quick.test(frame);
    }
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

  /**
   * Waits up to {@code millis} for {@code onClosed} to return, unless called by the listener (on
   * its thread or, from {@code onFrameIfQuick}, on the event loop, which must not wait anyway).
   */
  @Override
  public boolean awaitEnd(long millis) throws InterruptedException {
    if (Thread.currentThread() == thread
        || thread.getState() == Thread.State.NEW
        || channel.eventLoop().inEventLoop()) {
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
        synchronized (endTurn) {
          endDelivered = true; // after an offer running now; none after this
        }
        ListenerCalls.onClosed(listener, endCause, description);
        return;
      }
      ByteBuffer frame = (ByteBuffer) next;
      taken(frame.remaining());
      if (!ended) { // else closed meanwhile: no frame after the end
        ListenerCalls.onFrame(listener, frame, description, fail);
      }
      unfinished.decrementAndGet(); // after onFrame: the next offer sees what it did
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
