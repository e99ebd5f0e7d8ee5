package org.witrpc.spi;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * What a server logs about peers that have not authenticated (a socket that speaks another
 * protocol, fails its TLS handshake or its witrpc handshake, finds all client slots taken ...), so
 * that such peers cannot flood the log: the first line of a kind is logged at its level and says
 * that more are logged at DEBUG, and further ones of that kind go to DEBUG for {@link
 * #WINDOW_SECONDS} seconds; then the next is logged at its level again. One per server, so that one
 * server's flood hides nothing of another's.
 *
 * <p>Thread safety: safe for use from any thread (the threads of all of a server's connections at
 * once).
 */
public final class WarningThrottle {

  /** How long further lines of a kind go to DEBUG after one was logged at its level. */
  public static final long WINDOW_SECONDS = 10;

  private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(WINDOW_SECONDS);
  private static final String MORE_AT_DEBUG =
      " (more like this are logged at DEBUG for " + WINDOW_SECONDS + " s)";

  /** When each kind was last logged at its level (System.nanoTime). */
  private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();

  /** A throttle with no line logged yet: the first of each kind is logged at its level. */
  public WarningThrottle() {}

  /**
   * Logs {@code format} with {@code arguments} (slf4j style, a last {@link Throwable} included) to
   * {@code log}: as a WARN if none of {@code kind} was in the last {@link #WINDOW_SECONDS} seconds,
   * else at DEBUG.
   *
   * @param kind what the line is about, for example {@code "not a client"}: a constant, since lines
   *     of one kind share a window whatever their text, and each kind is remembered
   */
  public void warn(Logger log, String kind, String format, Object... arguments) {
    if (takesTurn(kind)) {
      log.warn(format + MORE_AT_DEBUG, arguments);
    } else {
      log.debug(format, arguments);
    }
  }

  /** As {@link #warn}, at INFO: for refusals that are news but not trouble (a wrong token). */
  public void info(Logger log, String kind, String format, Object... arguments) {
    if (takesTurn(kind)) {
      log.info(format + MORE_AT_DEBUG, arguments);
    } else {
      log.debug(format, arguments);
    }
  }

  /** Whether a line of {@code kind} now is logged at its level; if so, its window starts now. */
  private boolean takesTurn(String kind) {
    long now = System.nanoTime();
    boolean[] turn = new boolean[1];
    lastLogged.compute(
        kind,
        (k, last) -> {
          if (last != null && now - last < WINDOW_NANOS) {
            return last;
          }
          turn[0] = true;
          return now;
        });
    return turn[0];
  }
}
