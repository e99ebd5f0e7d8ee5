package org.witrpc.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The context switches of the live threads of a process so far (from {@code
 * /proc/PID/task/TID/status}), by thread group. A voluntary switch ({@link #of}) is a thread that
 * blocked (parked, waited on a socket) and was woken again, so they count thread wake-ups, which
 * unlike latency do not depend on how busy the machine is. A spinning thread that yields or is
 * preempted adds involuntary switches ({@link #involuntaryOf}) instead: they tell how many threads
 * competed for the cores, and do depend on the load. Threads that ended between two readings take
 * their count with them, so compare readings over a stretch in which the process keeps its threads.
 *
 * <p>Thread safety: stateless.
 */
final class ContextSwitches {
  private ContextSwitches() {}

  /**
   * The switches of process {@code pid} so far by thread group (the thread's name up to its first
   * digit, so that {@code witrpc-callbacks-1} and {@code -2} count together), with the sum under
   * {@code "all"}; empty where {@code /proc} cannot tell.
   */
  static Map<String, Long> of(long pid) {
    return of(pid, "voluntary_ctxt_switches:");
  }

  /** As {@link #of}, for the involuntary switches (preemptions, yields). */
  static Map<String, Long> involuntaryOf(long pid) {
    return of(pid, "nonvoluntary_ctxt_switches:");
  }

  private static Map<String, Long> of(long pid, String field) {
    Map<String, Long> groups = new TreeMap<>();
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    try (Stream<Path> threads = Files.list(tasks)) {
      for (Path thread : (Iterable<Path>) threads::iterator) {
        readInto(thread.resolve("status"), field, groups);
      }
    } catch (IOException | RuntimeException e) {
      return Map.of();
    }
    groups.put("all", groups.values().stream().mapToLong(Long::longValue).sum());
    return groups;
  }

  private static void readInto(Path status, String field, Map<String, Long> groups) {
    try {
      String name = "?";
      long switches = 0;
      for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
        if (line.startsWith("Name:")) {
          name = group(line.substring(5).trim());
        } else if (line.startsWith(field)) {
          switches = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
        }
      }
      groups.merge(name, switches, Long::sum);
    } catch (IOException e) {
      // the thread ended meanwhile
    }
  }

  private static String group(String threadName) {
    for (int i = 0; i < threadName.length(); i++) {
      if (Character.isDigit(threadName.charAt(i))) {
        return threadName.substring(0, i);
      }
    }
    return threadName;
  }

  /**
   * Switches per event between two readings, by thread group; groups with fewer than 0.01 per event
   * are left out; empty if either reading is.
   */
  static Map<String, Double> perEvent(Map<String, Long> before, Map<String, Long> after, long n) {
    Map<String, Double> result = new TreeMap<>();
    if (before.isEmpty() || after.isEmpty() || n == 0) {
      return result;
    }
    after.forEach(
        (group, count) -> {
          double perEvent = (count - before.getOrDefault(group, 0L)) / (double) n;
          if (perEvent >= 0.01 || group.equals("all")) {
            result.put(group, Math.round(perEvent * 100) / 100.0);
          }
        });
    return result;
  }
}
