package org.witrpc.bench;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link BenchListener} that measures the one-way latency of timed events: the client's {@link
 * System#nanoTime()} when the listener runs, less the server's stamp taken just before it sent the
 * callback. On Linux both read CLOCK_MONOTONIC, one clock for every process on the machine, so the
 * difference across the two JVMs is meaningful. Each latency is handed to the benchmark thread,
 * which waits for it before it fires the next event: one event in flight, no queueing measured.
 *
 * <p>Thread safety: {@link #onTimedEvent} from the client's callback thread, {@link
 * #awaitLatencyNanos} from the benchmark thread.
 */
final class CallbackLatencyProbe implements BenchListener {
  private final BlockingQueue<Long> latencies = new LinkedBlockingQueue<>();

  @Override
  public void onTimedEvent(long sentNanos) {
    long arrived = System.nanoTime();
    latencies.add(arrived - sentNanos);
  }

  @Override
  public void onEvent(int sequence) {
    // not subscribed while bursts are emitted
  }

  /**
   * The latency of the next timed event in nanoseconds, waiting up to {@code timeout} for it.
   *
   * @throws IllegalStateException if no event arrives in time, or if interrupted (the interrupt
   *     flag is kept)
   */
  long awaitLatencyNanos(Duration timeout) {
    Long latency;
    try {
      latency = latencies.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a timed event", e);
    }
    if (latency == null) {
      throw new IllegalStateException("no timed event arrived within " + timeout);
    }
    return latency;
  }
}
