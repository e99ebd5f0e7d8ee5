package org.witrpc.transport.mmf;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.witrpc.spi.FrameListener;

/** Records frames and the end of a connection, and the threads that delivered them. */
class RecordingListener implements FrameListener {
  final BlockingQueue<ByteBuffer> frames = new LinkedBlockingQueue<>();
  final CompletableFuture<Throwable> closed = new CompletableFuture<>();
  final AtomicInteger closedCalls = new AtomicInteger();
  volatile Thread lastDeliveryThread;

  @Override
  public void onFrame(ByteBuffer frame) {
    lastDeliveryThread = Thread.currentThread();
    frames.add(frame);
  }

  @Override
  public void onClosed(Throwable cause) {
    closedCalls.incrementAndGet();
    closed.complete(cause);
  }

  ByteBuffer next() throws InterruptedException {
    ByteBuffer frame = frames.poll(10, TimeUnit.SECONDS);
    if (frame == null) {
      throw new AssertionError("no frame within 10 s");
    }
    return frame;
  }

  Throwable awaitClosed() throws Exception {
    return closed.get(10, TimeUnit.SECONDS);
  }

  /** Waits (polling, with a deadline) for a condition that has no event to wait on. */
  static void await(BooleanSupplier condition, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out waiting for " + what);
      }
      LockSupport.parkNanos(1_000_000);
    }
  }
}
