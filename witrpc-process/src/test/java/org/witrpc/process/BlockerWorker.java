package org.witrpc.process;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.witrpc.server.CallContext;
import org.witrpc.server.Dispatch;

/**
 * A test worker serving {@link Blocker} with every request on the server's executor: a method run
 * on the transport's reader could not be interrupted (see {@link CallContext}).
 */
public final class BlockerWorker implements Blocker {
  /** One record per blocking call, made by whichever side asks first. */
  private final ConcurrentMap<String, BlockingCall> calls = new ConcurrentHashMap<>();

  public static void main(String[] args) {
    WitWorker.builder()
        .service(Blocker.class, new BlockerWorker())
        .configure(b -> b.dispatch(Dispatch.EXECUTOR))
        .serve();
  }

  @Override
  public String block(String id) {
    CallContext context = CallContext.current();
    BlockingCall call = call(id);
    call.started.countDown();
    try {
      // waits for an interrupt, not for a condition: a latch nobody counts down
      new CountDownLatch(1).await(60, TimeUnit.SECONDS);
      call.end("not interrupted");
    } catch (InterruptedException e) {
      call.end("interrupted, cancelled=" + context.isCancelled());
    }
    return id;
  }

  @Override
  public CompletableFuture<String> blockAsync(String id) {
    return CompletableFuture.completedFuture(block(id));
  }

  @Override
  public boolean awaitStarted(String id, long millis) {
    try {
      return call(id).started.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public String awaitEnding(String id, long millis) {
    BlockingCall call = call(id);
    try {
      return call.ended.await(millis, TimeUnit.MILLISECONDS) ? call.ending : "running";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "running";
    }
  }

  @Override
  public long endedAtEpochMicros(String id) {
    return call(id).endedAtEpochMicros;
  }

  @Override
  public long pid() {
    return ProcessHandle.current().pid();
  }

  private BlockingCall call(String id) {
    return calls.computeIfAbsent(id, k -> new BlockingCall());
  }

  /** How one blocking call went; its fields are published by the latches. */
  private static final class BlockingCall {
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch ended = new CountDownLatch(1);
    volatile String ending;
    volatile long endedAtEpochMicros = -1;

    void end(String how) {
      endedAtEpochMicros = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
      ending = how;
      ended.countDown();
    }
  }
}
