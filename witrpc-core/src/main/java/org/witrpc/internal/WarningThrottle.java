package org.witrpc.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * What a server logs about peers that have not authenticated (a socket that speaks another
 * protocol, fails its TLS handshake or its witrpc handshake, finds all client slots taken ...), so
 * that such peers cannot flood the log: the first line of a kind is logged at its level and says
 * that more are logged at DEBUG, and further ones of that kind go to DEBUG for {@link
 * #WINDOW_SECONDS} seconds; then the next is logged at its level again, with the number that went
 * to DEBUG meanwhile. One per server, so that one server's flood hides nothing of another's.
 *
 * <p>Thread safety: safe for use from any thread (the threads of all of a server's connections at
 * once).
 */
public final class WarningThrottle {

  /** How long further lines of a kind go to DEBUG after one was logged at its level. */
  public static final long WINDOW_SECONDS = 10;

  private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(WINDOW_SECONDS);

  /** Per kind: when one was last logged at its level, and how many went to DEBUG since. */
  private final Map<String, long[]> windows = new ConcurrentHashMap<>();

  private final LongSupplier clock;

  /** A throttle with no line logged yet: the first of each kind is logged at its level. */
  public WarningThrottle() {
    this(System::nanoTime);
  }

  /** A throttle on {@code clock} (nanoseconds, as {@link System#nanoTime}), for tests. */
  WarningThrottle(LongSupplier clock) {
    this.clock = clock;
  }

  /**
   * Logs {@code format} with {@code arguments} (slf4j style, a last {@link Throwable} included) to
   * {@code log}: as a WARN if none of {@code kind} was in the last {@link #WINDOW_SECONDS} seconds,
   * else at DEBUG. A WARN says how many of its kind went to DEBUG since the last one.
   *
   * @param kind what the line is about, for example {@code "not a client"}: a constant, since lines
   *     of one kind share a window whatever their text, and each kind is remembered
   */
  public void warn(Logger log, String kind, String format, Object... arguments) {
    log(log, true, kind, format, arguments);
  }

  /** As {@link #warn}, at INFO: for refusals that are news but not trouble (a wrong token). */
  public void info(Logger log, String kind, String format, Object... arguments) {
    log(log, false, kind, format, arguments);
  }

  private void log(Logger log, boolean warn, String kind, String format, Object[] arguments) {
    long quiet = takeTurn(kind);
    if (quiet < 0) {
      log.debug(format, arguments);
    } else if (warn) {
      log.warn(format + moreAtDebug(quiet), arguments);
    } else {
      log.info(format + moreAtDebug(quiet), arguments);
    }
  }

  private static String moreAtDebug(long quiet) {
    return " (more like this are logged at DEBUG for "
        + WINDOW_SECONDS
        + " s"
        + (quiet > 0 ? "; " + quiet + " were since the last one logged so" : "")
        + ")";
  }

  /**
   * Whether a line of {@code kind} now is logged at its level: if so, how many went to DEBUG since
   * the last such line (its window starts now); if not, -1 (and it is counted).
   */
  private long takeTurn(String kind) {
    long now = clock.getAsLong();
    long[] turn = {-1};
    windows.compute(
        kind,
        (k, w) -> {
          if (w == null) {
            turn[0] = 0;
            return new long[] {now, 0};
          }
          if (now - w[0] < WINDOW_NANOS) {
            w[1]++;
            return w;
          }
          turn[0] = w[1];
          w[0] = now;
          w[1] = 0;
          return w;
        });
    return turn[0];
  }
}
