package org.witrpc.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A child JVM started with the test's own class path and a main class, for tests that need a real
 * separate process. Its stdout and stderr go to files in a per-test directory; {@link #awaitLine}
 * waits for a line on stdout (for example the "READY" line a server prints), and {@link #close}
 * destroys it gracefully, then forcibly.
 *
 * <p>Thread safety: not thread-safe; owned by one test.
 */
final class ChildJvm implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private ChildJvm(String name, Process process, Path stdout, Path stderr) {
    this.name = name;
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /**
   * Starts {@code mainClass} with {@code args} in a new JVM with a 1 GiB heap.
   *
   * @param logDir where {@code NAME.out} and {@code NAME.err} are written
   */
  static ChildJvm start(String name, Path logDir, Class<?> mainClass, String... args)
      throws IOException {
    return start(name, logDir, List.of(), mainClass, args);
  }

  /**
   * Starts {@code mainClass} with {@code args} in a new JVM; {@code jvmOptions} come after the
   * defaults ({@code -Xmx1g -XX:+UseSerialGC}), so they may override them (for example {@code
   * -Xmx3g}, or {@code -XX:TieredStopAtLevel=1} for a short-lived child).
   *
   * @param logDir where {@code NAME.out} and {@code NAME.err} are written
   */
  static ChildJvm start(
      String name, Path logDir, List<String> jvmOptions, Class<?> mainClass, String... args)
      throws IOException {
    Objects.requireNonNull(mainClass, "mainClass == null");
    List<String> launch = new ArrayList<>(List.of("-cp", System.getProperty("java.class.path")));
    launch.add(mainClass.getName());
    launch.addAll(List.of(args));
    return launch(name, logDir, jvmOptions, launch);
  }

  /**
   * Starts {@code module/mainClass} from {@code modulePath} in a new JVM, as a modular application
   * is run: {@code java --module-path PATH -m MODULE/MAIN ARGS}.
   */
  static ChildJvm startModule(
      String name,
      Path logDir,
      List<String> jvmOptions,
      String modulePath,
      String moduleAndMain,
      String... args)
      throws IOException {
    List<String> launch =
        new ArrayList<>(List.of("--module-path", modulePath, "-m", moduleAndMain));
    launch.addAll(List.of(args));
    return launch(name, logDir, jvmOptions, launch);
  }

  private static ChildJvm launch(
      String name, Path logDir, List<String> jvmOptions, List<String> launch) throws IOException {
    Files.createDirectories(logDir);
    Path out = logDir.resolve(name + ".out");
    Path err = logDir.resolve(name + ".err");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    command.add("-XX:+UseSerialGC");
    command.add("-Xshare:auto");
    command.addAll(jvmOptions);
    command.addAll(launch);
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
    return new ChildJvm(name, p, out, err);
  }

  /** The operating system's process id. */
  long pid() {
    return process.pid();
  }

  Process process() {
    return process;
  }

  /** The file the child's stdout goes to. */
  Path stdoutFile() {
    return stdout;
  }

  /** The name given at start, used for the log files. */
  String name() {
    return name;
  }

  /** True until the process has exited. */
  boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Waits until stdout contains a line starting with {@code prefix} and returns that line.
   *
   * @throws TimeoutException if no such line appears in time, with the child's output in the
   *     message
   * @throws IllegalStateException if the child exits first
   */
  String awaitLine(String prefix, Duration timeout) throws IOException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (String line : Files.readAllLines(stdout, StandardCharsets.UTF_8)) {
        if (line.startsWith(prefix)) {
          return line;
        }
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name
                + " exited with "
                + process.exitValue()
                + " before printing '"
                + prefix
                + "'\n"
                + output());
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(
            name + " did not print '" + prefix + "' within " + timeout + "\n" + output());
      }
      try {
        process.waitFor(10, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
  }

  /** Waits for the child to exit and returns its exit code. */
  int awaitExit(Duration timeout) throws InterruptedException, TimeoutException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new TimeoutException(name + " did not exit within " + timeout + "\n" + output());
    }
    return process.exitValue();
  }

  /** Sends SIGKILL and waits for the process to be gone. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** Everything the child wrote so far, for failure messages. */
  String output() {
    return "----- "
        + name
        + " stdout -----\n"
        + read(stdout)
        + "----- "
        + name
        + " stderr -----\n"
        + read(stderr);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(unreadable: " + e + ")\n";
    }
  }

  /**
   * Asks the child's JVM to print a thread dump to its stdout (SIGQUIT), so that the log shows
   * where a child that ignores SIGTERM is stuck.
   */
  private void dumpThreads() throws InterruptedException {
    try {
      Process kill =
          new ProcessBuilder("kill", "-3", Long.toString(process.pid()))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      kill.waitFor(5, TimeUnit.SECONDS);
      // the dump is written asynchronously by the child; its exit is what we wait for next
      process.waitFor(1, TimeUnit.SECONDS);
    } catch (IOException e) {
      System.err.println(name + ": cannot request a thread dump: " + e);
    }
  }

  /**
   * Destroys the child: SIGTERM, up to 5 s grace, then a thread dump into its log and SIGKILL.
   * Idempotent.
   */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        dumpThreads();
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
