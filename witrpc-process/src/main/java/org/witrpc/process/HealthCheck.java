package org.witrpc.process;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link WorkerProcess} finds out that its worker no longer answers although its process
 * lives: stopped ({@code SIGSTOP}, a debugger), stuck in a long garbage collection, its transport
 * reader blocked. A dead worker needs no check: its end is seen in milliseconds.
 *
 * <p>While the worker runs, the host asks it every {@link #interval} for a sign of life, {@link
 * org.witrpc.ServerPing}: the worker's server answers it on the connection's reader itself, with no
 * application code, interceptor or executor in between, so a worker busy with long calls on its
 * executor still answers at once. A call that runs on the reader holds the ping back until it
 * returns: under {@code Dispatch.AUTO} (the default) a method seen to be quick runs there, so a
 * worker whose quick methods may sometimes block (or whose interceptors may) for longer than the
 * check's bound below is served with {@code WitWorker.builder().configure(b ->
 * b.dispatch(Dispatch.EXECUTOR))}. A sign that does not come within {@link #timeout} is missed, and
 * so is one the host cannot ask for because its connection to the live worker is gone; after {@link
 * #maxMissed} missed in a row the host kills the worker's process tree ({@code SIGKILL}). Its calls
 * under way fail with a {@link org.witrpc.WitTransportException}, and the {@link RestartPolicy}, if
 * any, starts it again. The {@link WorkerState#EXITED} event of such a kill says so in its detail.
 *
 * <pre>{@code
 * HealthCheck.every(Duration.ofSeconds(1)).timeout(Duration.ofMillis(500)).maxMissed(3)
 * }</pre>
 *
 * <p>With {@code period = max(interval, timeout)}: a worker that stops answering is killed at most
 * about {@code maxMissed * period + timeout} after it stopped; a pause of the worker shorter than
 * {@code (maxMissed - 1) * period + timeout} never gets it killed (a longer one may, depending on
 * when it begins). Choose them above the longest pause the worker may legitimately have (a garbage
 * collection, a swap-in). A deadlock among the application's own threads, with the reader free, is
 * not seen: calls into it wait their timeout.
 *
 * <p>Thread safety: immutable; the "setters" return a changed copy.
 */
public final class HealthCheck {
  /** {@link #maxMissed} unless set. */
  public static final int DEFAULT_MAX_MISSED = 3;

  private final Duration interval;
  private final Duration timeout;
  private final int maxMissed;

  private HealthCheck(Duration interval, Duration timeout, int maxMissed) {
    this.interval = interval;
    this.timeout = timeout;
    this.maxMissed = maxMissed;
  }

  /**
   * Checks every {@code interval}, each check answered within {@code interval}, killing the worker
   * after {@value #DEFAULT_MAX_MISSED} missed in a row.
   */
  public static HealthCheck every(Duration interval) {
    Duration checked = Durations.positive(interval, "interval");
    return new HealthCheck(checked, checked, DEFAULT_MAX_MISSED);
  }

  /** How long the worker may take to answer one check (positive). */
  public HealthCheck timeout(Duration timeout) {
    return new HealthCheck(interval, Durations.positive(timeout, "timeout"), maxMissed);
  }

  /** How many checks in a row the worker may miss before it is killed (>= 1). */
  public HealthCheck maxMissed(int maxMissed) {
    if (maxMissed < 1) {
      throw new IllegalArgumentException("maxMissed must be >= 1: " + maxMissed);
    }
    return new HealthCheck(interval, timeout, maxMissed);
  }

  /** The time from one check to the next; when {@link #timeout} is longer, that. */
  public Duration interval() {
    return interval;
  }

  /** How long the worker may take to answer one check. */
  public Duration timeout() {
    return timeout;
  }

  /** How many checks in a row the worker may miss before it is killed. */
  public int maxMissed() {
    return maxMissed;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HealthCheck h
        && interval.equals(h.interval)
        && timeout.equals(h.timeout)
        && maxMissed == h.maxMissed;
  }

  @Override
  public int hashCode() {
    return Objects.hash(interval, timeout, maxMissed);
  }

  @Override
  public String toString() {
    return "HealthCheck[every " + interval + ", timeout " + timeout + ", " + maxMissed + " missed]";
  }
}
