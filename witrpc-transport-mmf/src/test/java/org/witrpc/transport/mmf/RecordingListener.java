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

/**
 * Records frames and the end of a connection, and the threads that delivered them; says it never
 * blocks if built so (as a client's listener does).
 */
class RecordingListener implements FrameListener {
  private final boolean neverBlocks;
  final BlockingQueue<ByteBuffer> frames = new LinkedBlockingQueue<>();
  final CompletableFuture<Throwable> closed = new CompletableFuture<>();
  final AtomicInteger closedCalls = new AtomicInteger();
  volatile Thread lastDeliveryThread;

  RecordingListener() {
    this(false);
  }

  RecordingListener(boolean neverBlocks) {
    this.neverBlocks = neverBlocks;
  }

  @Override
  public boolean neverBlocks() {
    return neverBlocks;
  }

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

  /**
   * Waits until a thread whose name starts with {@code prefix} is idle: parked, or (a reader whose
   * listener never blocks) waiting on the doorbell socket, where its state is RUNNABLE.
   */
  static void awaitIdle(String prefix, Duration timeout) {
    await(
        () ->
            Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().startsWith(prefix) && isIdle(t)),
        timeout,
        prefix + " to wait");
  }

  private static boolean isIdle(Thread t) {
    if (t.getState() == Thread.State.WAITING) {
      return true;
    }
    return waitsOnDoorbell(t);
  }

  /** Whether {@code t} waits on a doorbell socket (in {@code Doorbell.awaitOnce}). */
  static boolean waitsOnDoorbell(Thread t) {
    for (StackTraceElement frame : t.getStackTrace()) {
      if (frame.getClassName().endsWith("Doorbell") && frame.getMethodName().equals("awaitOnce")) {
        return true;
      }
    }
    return false;
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
