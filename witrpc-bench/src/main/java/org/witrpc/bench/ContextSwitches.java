package org.witrpc.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The context switches of all live threads of a process so far (voluntary and involuntary, from
 * {@code /proc/PID/task/TID/status}): a count of thread wake-ups that, unlike latency, does not
 * depend on how busy the machine is. Threads that ended between two readings take their count with
 * them, so compare readings over a stretch in which the process keeps its threads.
 *
 * <p>Thread safety: stateless.
 */
final class ContextSwitches {
  private ContextSwitches() {}

  /** The switches of process {@code pid} so far, or -1 where {@code /proc} cannot tell. */
  static long of(long pid) {
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    if (!Files.isDirectory(tasks)) {
      return -1;
    }
    long sum = 0;
    try (Stream<Path> threads = Files.list(tasks)) {
      for (Path thread : (Iterable<Path>) threads::iterator) {
        sum += switchesOf(thread.resolve("status"));
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return sum;
  }

  private static long switchesOf(Path status) {
    try {
      long sum = 0;
      for (String line : Files.readAllLines(status, StandardCharsets.US_ASCII)) {
        if (line.startsWith("voluntary_ctxt_switches:")
            || line.startsWith("nonvoluntary_ctxt_switches:")) {
          sum += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
        }
      }
      return sum;
    } catch (IOException e) {
      return 0; // the thread ended meanwhile
    }
  }

  /** Switches per event between two readings, NaN if either is unknown. */
  static double perEvent(long before, long after, long events) {
    return before < 0 || after < 0 || events == 0 ? Double.NaN : (after - before) / (double) events;
  }
}
