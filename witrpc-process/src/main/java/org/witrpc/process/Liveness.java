package org.witrpc.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a process still runs. {@link ProcessHandle#isAlive()} also answers true for a zombie, a
 * process that has exited and whose parent has not yet collected its status (a parent that never
 * does, such as some container init processes, keeps it so for ever); on Linux this reads the
 * process's state from {@code /proc} and takes a zombie for dead.
 *
 * <p>Thread safety: stateless.
 */
final class Liveness {
  private Liveness() {}

  /** True while {@code process} runs and is not a zombie. */
  static boolean isRunning(ProcessHandle process) {
    if (!process.isAlive()) {
      return false;
    }
    Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
    try {
      String text = Files.readString(stat, StandardCharsets.US_ASCII);
      // "pid (command) state ...": the command may contain spaces and parentheses
      int end = text.lastIndexOf(')');
      return end < 0 || end + 2 >= text.length() || text.charAt(end + 2) != 'Z';
    } catch (IOException | RuntimeException e) {
      return process.isAlive(); // no /proc (not Linux), or the process is gone meanwhile
    }
  }
}
