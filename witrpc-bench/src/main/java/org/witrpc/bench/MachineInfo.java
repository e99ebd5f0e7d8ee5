package org.witrpc.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The machine a run was measured on: CPUs, CPU model, memory, kernel, JDK, and the load average
 * (other work on the machine makes the numbers noisy). Read from {@code /proc} where it exists.
 *
 * @param cpus processors available to the JVM
 * @param cpuModel the {@code model name} of {@code /proc/cpuinfo}, or the architecture
 * @param memory total memory ({@code MemTotal} of {@code /proc/meminfo}), or "unknown"
 * @param kernel operating system and kernel release
 * @param jdk Java version, VM and home, which the harness (the client side) and every server JVM
 *     run: the servers start with the harness's own {@code java} (bench.sh takes it from {@code
 *     JAVA_HOME} when that is set)
 * @param loadAverage {@code /proc/loadavg}'s 1, 5 and 15 minute load, or "unknown"
 *     <p>Thread safety: immutable.
 */
record MachineInfo(
    int cpus, String cpuModel, String memory, String kernel, String jdk, String loadAverage) {

  /** This machine, now. */
  static MachineInfo current() {
    String model =
        lines("/proc/cpuinfo").stream()
            .filter(l -> l.startsWith("model name"))
            .map(l -> l.substring(l.indexOf(':') + 1).trim())
            .findFirst()
            .orElse(System.getProperty("os.arch"));
    String memory =
        lines("/proc/meminfo").stream()
            .filter(l -> l.startsWith("MemTotal:"))
            .map(l -> l.replaceAll("\\D", ""))
            .map(kb -> String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(kb) / 1048576.0))
            .findFirst()
            .orElse("unknown");
    String kernel = System.getProperty("os.name") + " " + System.getProperty("os.version");
    String jdk =
        "Java "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vm.name")
            + ", "
            + System.getProperty("java.home")
            + ") for the harness and every server JVM, "
            + executorDispatch(Runtime.version().feature());
    return new MachineInfo(
        Runtime.getRuntime().availableProcessors(), model, memory, kernel, jdk, loadAverageNow());
  }

  /**
   * What the servers' EXECUTOR dispatch runs on: the server's default executor, which is virtual
   * threads from JDK 21 on (the bench servers set no executor of their own).
   */
  static String executorDispatch(int javaFeatureVersion) {
    return javaFeatureVersion >= 21
        ? "EXECUTOR dispatch on virtual threads"
        : "EXECUTOR dispatch on a pool of platform threads (virtual threads need JDK 21+)";
  }

  /** The 1, 5 and 15 minute load averages now, or "unknown". */
  static String loadAverageNow() {
    return lines("/proc/loadavg").stream()
        .findFirst()
        .map(l -> String.join(" ", List.of(l.split(" ")).subList(0, 3)))
        .orElse("unknown");
  }

  /** One line for the reports. */
  String describe() {
    return String.format(
        Locale.ROOT,
        "%d CPUs (%s), %s memory, %s, %s; load average at start %s",
        cpus,
        cpuModel,
        memory,
        kernel,
        jdk,
        loadAverage);
  }

  private static List<String> lines(String file) {
    Path path = Path.of(file);
    try {
      return Files.isReadable(path) ? Files.readAllLines(path) : List.of();
    } catch (IOException e) {
      return List.of(); // not Linux, or not readable: the callers fall back
    }
  }
}
