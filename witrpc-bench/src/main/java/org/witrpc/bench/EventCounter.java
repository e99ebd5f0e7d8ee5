package org.witrpc.bench;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A {@link BenchListener} that counts a burst of events and opens a latch at the last one.
 *
 * <p>Timed events are not its business ({@link CallbackLatencyProbe} times them) and are ignored.
 *
 * <p>Thread safety: {@link #expect} and {@link #await} from the benchmark thread, {@link #onEvent}
 * from the client's callback thread; {@link #expect} must not overlap a burst.
 */
final class EventCounter implements BenchListener {
  private volatile int expected;
  private volatile CountDownLatch done = new CountDownLatch(0);
  private int received;

  /** Prepares for a burst of {@code count} events. */
  void expect(int count) {
    received = 0;
    expected = count;
    done = new CountDownLatch(1); // volatile write: publishes the two fields above
  }

  @Override
  public void onEvent(int sequence) {
    CountDownLatch latch = done; // volatile read first: sees expect()'s writes
    if (++received == expected) {
      latch.countDown();
    }
  }

  @Override
  public void onTimedEvent(long sentNanos) {
    // not subscribed while timed events are fired
  }

  /** Whether the whole burst arrived within {@code timeout}. */
  boolean await(Duration timeout) throws InterruptedException {
    return done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }
}
