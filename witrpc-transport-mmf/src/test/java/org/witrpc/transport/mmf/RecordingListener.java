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
import org.witrpc.spi.Connection;
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
  private volatile Blocking onEachFrame = () -> {};

  /** What the listener does before recording a frame (an inline method that blocks, say). */
  interface Blocking {
    void run() throws InterruptedException;
  }

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
    try {
      onEachFrame.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    frames.add(frame);
  }

  @Override
  public void onClosed(Throwable cause) {
    closedCalls.incrementAndGet();
    closed.complete(cause);
  }

  /** Runs {@code action} in every later {@link #onFrame}, before the frame is recorded. */
  void onEachFrame(Blocking action) {
    onEachFrame = action;
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

  /** Waits until the reader of {@code connection} has given its thread back (nothing to read). */
  static void awaitReaderIdle(Connection connection, Duration timeout) {
    MmfConnection c = (MmfConnection) connection;
    await(c::readerIdleForTests, timeout, "the reader of " + c + " to go idle");
  }

  /**
   * Waits until no {@code mmf://} task runs (no reader, no handshake) and no {@code witrpc-mmf}
   * thread is alive but idle pool workers and the doorbell waiter (both end a keep-alive after
   * their last use; {@code MmfSharedThreadsTest} waits for that).
   */
  static void awaitNoMmfWork(Duration timeout) {
    await(
        () ->
            MmfThreads.busy() == 0
                && Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(
                        t ->
                            t.isAlive()
                                && t.getName().startsWith("witrpc-mmf")
                                && !t.getName().startsWith("witrpc-mmf-worker-")
                                && !t.getName().equals("witrpc-mmf-doorbells")),
        timeout,
        "mmf readers, handshakes and threads to end");
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
