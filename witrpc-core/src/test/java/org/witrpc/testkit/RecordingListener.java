package org.witrpc.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.witrpc.spi.FrameListener;

/**
 * A {@link FrameListener} for tests: queues the frames it receives (or hands them to an action,
 * such as an echo) and records how the connection ended.
 *
 * <p>Thread safety: safe for use by the transport's reader and any number of test threads.
 */
public final class RecordingListener implements FrameListener {

  private final Consumer<ByteBuffer> action;
  private final BlockingQueue<ByteBuffer> frames = new LinkedBlockingQueue<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final AtomicInteger closedCalls = new AtomicInteger();
  private final AtomicInteger framesAfterClose = new AtomicInteger();
  private volatile Throwable cause;

  /** A listener that queues every frame. */
  public RecordingListener() {
    this(null);
  }

  /** A listener that hands every frame to {@code action} instead of queueing it. */
  public RecordingListener(Consumer<ByteBuffer> action) {
    this.action = action;
  }

  @Override
  public void onFrame(ByteBuffer frame) {
    if (closedCalls.get() > 0) {
      framesAfterClose.incrementAndGet();
    }
    assertThat(frame.position()).as("position of a delivered frame").isZero();
    if (action != null) {
      action.accept(frame);
    } else {
      frames.add(frame);
    }
  }

  @Override
  public void onClosed(Throwable cause) {
    this.cause = cause;
    closedCalls.incrementAndGet();
    closed.countDown();
  }

  /** The next frame; fails if none arrives within {@code timeout}. */
  public ByteBuffer nextFrame(Duration timeout) throws InterruptedException {
    ByteBuffer frame = frames.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    assertThat(frame).as("a frame within " + timeout).isNotNull();
    return frame;
  }

  /** The frames received so far and not yet taken. */
  public int queuedFrames() {
    return frames.size();
  }

  /**
   * Waits for {@link #onClosed}; fails after {@code timeout}.
   *
   * @return its cause, empty after a local close
   */
  public Optional<Throwable> awaitClosed(Duration timeout) throws InterruptedException {
    assertThat(closed.await(timeout.toNanos(), TimeUnit.NANOSECONDS))
        .as("onClosed within " + timeout)
        .isTrue();
    return Optional.ofNullable(cause);
  }

  /** Whether {@link #onClosed} was called. */
  public boolean isClosed() {
    return closed.getCount() == 0;
  }

  /** How many times {@link #onClosed} was called. */
  public int closedCalls() {
    return closedCalls.get();
  }

  /** How many frames arrived after {@link #onClosed}. */
  public int framesAfterClose() {
    return framesAfterClose.get();
  }
}
