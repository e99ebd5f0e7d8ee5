package org.witrpc.transport.tcp.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * The warnings a server logs about peers that have not authenticated (a socket that speaks another
 * protocol, fails its TLS handshake, finds all client slots taken ...), so that such peers cannot
 * flood the log: the first warning of a kind is a WARN that says more are logged at DEBUG, and
 * further ones of that kind go to DEBUG for {@link #WINDOW_SECONDS} seconds; then the next is a
 * WARN again. One per server ({@link NettyServer#warnings()}), so one server's flood hides nothing
 * of another's.
 *
 * <p>Thread safety: safe for use from any thread (the event loops of a server's sockets at once).
 */
public final class WarningThrottle {

  /** How long further warnings of a kind go to DEBUG after one was a WARN. */
  public static final long WINDOW_SECONDS = 10;

  private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(WINDOW_SECONDS);
  private static final String MORE_AT_DEBUG =
      " (more like this are logged at DEBUG for " + WINDOW_SECONDS + " s)";

  /** When each kind was last a WARN (System.nanoTime). */
  private final Map<String, Long> lastWarned = new ConcurrentHashMap<>();

  /**
   * Logs {@code format} with {@code arguments} (slf4j style, a last {@link Throwable} included) to
   * {@code log}: as a WARN if none of {@code kind} was in the last {@link #WINDOW_SECONDS} seconds,
   * else at DEBUG.
   *
   * @param kind what the warning is about, for example {@code "not a client"}; warnings of one kind
   *     share a window, whatever their text
   */
  public void warn(Logger log, String kind, String format, Object... arguments) {
    if (takesTurn(kind)) {
      log.warn(format + MORE_AT_DEBUG, arguments);
    } else {
      log.debug(format, arguments);
    }
  }

  /** Whether a warning of {@code kind} now is a WARN; if so, its window starts now. */
  private boolean takesTurn(String kind) {
    long now = System.nanoTime();
    boolean[] turn = new boolean[1];
    lastWarned.compute(
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
