package org.witrpc.bench;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * What an idle, connected client and its server cost: the CPU time both processes use over a fixed
 * window while nothing is called, as a percentage of one core.
 *
 * <p>Thread safety: stateless.
 */
final class IdleCost {
  private IdleCost() {}

  /**
   * Measures this JVM (the client) and process {@code serverPid} over {@code window}.
   *
   * @return client and server CPU in percent of one core
   */
  static BenchResults.Idle measure(String target, long serverPid, Duration window) {
    // let the JIT compilers and GC finish the work the scenarios before left them, unmeasured
    park(Duration.ofMillis(Math.min(1_000, window.toMillis() / 3)));
    long self = ProcessHandle.current().pid();
    long clientBefore = ProcessCpu.nanos(self);
    long serverBefore = ProcessCpu.nanos(serverPid);
    long start = System.nanoTime();
    park(window);
    long elapsed = System.nanoTime() - start;
    double client = 100.0 * (ProcessCpu.nanos(self) - clientBefore) / elapsed;
    double server = 100.0 * (ProcessCpu.nanos(serverPid) - serverBefore) / elapsed;
    return new BenchResults.Idle(target, elapsed / 1e9, client, server);
  }

  /** Parks for a fixed window: not a wait for a condition, nothing is expected to happen. */
  private static void park(Duration window) {
    long deadline = System.nanoTime() + window.toNanos();
    for (long left = window.toNanos(); left > 0; left = deadline - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }
}
