package org.witrpc.client;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconnect episode on its own thread {@code witrpc-client-reconnect-N}: waits the policy's
 * backoff, makes an attempt, and repeats until an attempt succeeds, the policy gives up, or {@link
 * #stop()} is called (which interrupts a waiting or connecting attempt at once).
 *
 * <p>Thread safety: {@link #start()} once, {@link #stop()} from any thread, any number of times.
 */
final class Reconnector {
  private static final Logger LOG = LoggerFactory.getLogger(Reconnector.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  /** One full connect; returns normally once READY (or when the client was closed meanwhile). */
  interface Attempt {
    void run(Duration timeout);
  }

  private final ReconnectPolicy policy;
  private final Attempt attempt;
  private final Consumer<RuntimeException> onGiveUp;
  private final String address;
  private final Thread thread;
  private volatile boolean stopped;

  Reconnector(
      ReconnectPolicy policy,
      String address,
      Attempt attempt,
      Consumer<RuntimeException> onGiveUp) {
    this.policy = policy;
    this.address = address;
    this.attempt = attempt;
    this.onGiveUp = onGiveUp;
    this.thread = new Thread(this::run, "witrpc-client-reconnect-" + THREADS.incrementAndGet());
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Stops the episode and waits (bounded) for its thread to end. Idempotent. */
  void stop() {
    stopped = true;
    thread.interrupt();
    if (Thread.currentThread() != thread) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void run() {
    RuntimeException last = null;
    for (int n = 1; !stopped; n++) {
      long wakeAt = System.nanoTime() + policy.delayBefore(n).toNanos();
      long remaining;
      // a backoff pause; stop() interrupts it, which makes parkNanos return at once
      while (!stopped && (remaining = wakeAt - System.nanoTime()) > 0) {
        LockSupport.parkNanos(this, remaining);
      }
      if (stopped) {
        return;
      }
      try {
        attempt.run(policy.connectTimeout());
        LOG.info("reconnected to {} (attempt {})", address, n);
        return;
      } catch (RuntimeException e) {
        last = e;
        LOG.debug("reconnect attempt {} to {} failed: {}", n, address, e.toString());
      }
      if (policy.maxAttempts() > 0 && n >= policy.maxAttempts() && !stopped) {
        LOG.warn("gave up reconnecting to {} after {} attempts", address, n, last);
        onGiveUp.accept(last);
        return;
      }
    }
  }
}
