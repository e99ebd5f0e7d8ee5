package org.witrpc.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The CPU time (user + system) a process has used so far: from {@code /proc/PID/stat} ({@code utime
 * + stime} in clock ticks of {@code getconf CLK_TCK}, assumed 100 if that fails), else from {@link
 * ProcessHandle.Info#totalCpuDuration}.
 *
 * <p>Thread safety: stateless apart from the clock tick, read once.
 */
final class ProcessCpu {
  private static final long TICKS_PER_SECOND = clockTicks();

  private ProcessCpu() {}

  /** CPU time used by process {@code pid} so far, in nanoseconds. */
  static long nanos(long pid) {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    if (Files.isReadable(stat)) {
      try {
        String line = Files.readString(stat, StandardCharsets.US_ASCII);
        // the command name (field 2) may hold spaces: count fields after its closing ')'
        String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
        return ticks * 1_000_000_000L / TICKS_PER_SECOND;
      } catch (IOException | RuntimeException e) {
        // fall through to ProcessHandle
      }
    }
    return ProcessHandle.of(pid)
        .flatMap(p -> p.info().totalCpuDuration())
        .map(Duration::toNanos)
        .orElseThrow(() -> new IllegalStateException("no CPU time for process " + pid));
  }

  private static long clockTicks() {
    try {
      Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      try {
        String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        if (getconf.waitFor(5, TimeUnit.SECONDS) && getconf.exitValue() == 0) {
          return Long.parseLong(out.trim());
        }
      } finally {
        getconf.destroyForcibly();
      }
    } catch (IOException | RuntimeException e) {
      // assume the usual value below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 100;
  }
}
