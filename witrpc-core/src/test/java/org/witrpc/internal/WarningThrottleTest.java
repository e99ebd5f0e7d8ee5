package org.witrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.testkit.StderrCapture;

/**
 * One line of a kind per window at its level, the rest at DEBUG, counted: the next window's line
 * says how many were held back, so a steady trickle of refusals cannot hide how many there were.
 */
class WarningThrottleTest {
  private static final Logger LOG =
      LoggerFactory.getLogger("org.witrpc.internal.WarningThrottleTest");
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  @Test
  void oneLinePerKindAndWindowAndTheNextCountsTheOthers() {
    AtomicLong now = new AtomicLong(1_000 * SECOND);
    WarningThrottle throttle = new WarningThrottle(now::get);
    try (StderrCapture log = StderrCapture.start()) {
      throttle.warn(LOG, "refused", "peer {} refused", 1);
      now.addAndGet(SECOND);
      for (int i = 2; i <= 4; i++) {
        throttle.warn(LOG, "refused", "peer {} refused", i);
      }
      throttle.info(LOG, "token", "token of peer {} refused", 5); // another kind: its own window
      now.addAndGet(WarningThrottle.WINDOW_SECONDS * SECOND);
      throttle.warn(LOG, "refused", "peer {} refused", 6);
      throttle.warn(LOG, "refused", "peer {} refused", 7);

      List<String> lines = lines(log.text());
      assertThat(lines)
          .containsExactly(
              "WARN peer 1 refused (more like this are logged at DEBUG for 10 s)",
              "INFO token of peer 5 refused (more like this are logged at DEBUG for 10 s)",
              "WARN peer 6 refused (more like this are logged at DEBUG for 10 s; 3 were since the"
                  + " last one logged so)");
    }
  }

  private static List<String> lines(String log) {
    return log.lines()
        .filter(l -> l.contains("WarningThrottleTest - "))
        .map(
            l ->
                l.replaceFirst(".*\\] (WARN|INFO) .*WarningThrottleTest - ", "$1 ")
                    .replaceAll("\\s+$", ""))
        .toList();
  }
}
