package org.witrpc.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.witrpc.process.ChildProcess;
import org.witrpc.process.JavaCommand;
import org.witrpc.process.WorkerOutput;
import org.witrpc.testkit.Signals;

/**
 * A child JVM of a test: a {@link ChildProcess} with the test class path, a 1 GiB serial-GC heap by
 * default, and its stdout and stderr in {@code NAME.out} and {@code NAME.err} of a per-test
 * directory, printed whole when a test fails. {@link #close} ends it as a test wants: SIGTERM (a
 * server's shutdown hook closes it cleanly), and after 5 s a thread dump into its log and SIGKILL.
 *
 * <p>Thread safety: not thread-safe; owned by one test.
 */
final class ChildJvm implements AutoCloseable {
  /** Before the caller's JVM options, which may override them. */
  private static final List<String> DEFAULT_JVM = List.of("-Xmx1g", "-XX:+UseSerialGC");

  private final ChildProcess child;
  private final Path logDir;

  private ChildJvm(ChildProcess child, Path logDir) {
    this.child = child;
    this.logDir = logDir;
  }

  /**
   * Starts {@code mainClass} with {@code args} in a new JVM; {@code jvmOptions} come after the
   * defaults, so they may override them (for example {@code -Xmx3g}, or {@code
   * -XX:TieredStopAtLevel=1} for a short-lived child).
   *
   * @param logDir where {@code NAME.out} and {@code NAME.err} are written
   */
  static ChildJvm start(
      String name, Path logDir, List<String> jvmOptions, Class<?> mainClass, String... args)
      throws IOException {
    return start(name, logDir, JavaCommand.mainClass(mainClass), jvmOptions, args);
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
    return start(name, logDir, JavaCommand.module(modulePath, moduleAndMain), jvmOptions, args);
  }

  private static ChildJvm start(
      String name, Path logDir, JavaCommand command, List<String> jvmOptions, String... args)
      throws IOException {
    JavaCommand full = command.jvmOptions(DEFAULT_JVM).jvmOptions(jvmOptions).args(args);
    return new ChildJvm(ChildProcess.start(name, full, WorkerOutput.files(logDir)), logDir);
  }

  /** The operating system's process id. */
  long pid() {
    return child.pid();
  }

  /** The file the child's stdout goes to. */
  Path stdoutFile() {
    return logDir.resolve(child.name() + ".out");
  }

  private Path stderrFile() {
    return logDir.resolve(child.name() + ".err");
  }

  /** The name given at start, used for the log files. */
  String name() {
    return child.name();
  }

  /** True until the process has exited. */
  boolean isAlive() {
    return child.process().isAlive();
  }

  /**
   * Waits until stdout has a line starting with {@code prefix} and returns that line.
   *
   * @throws TimeoutException if no such line appears in time, with the child's output in the
   *     message
   * @throws IllegalStateException if the child exits first
   */
  String awaitLine(String prefix, Duration timeout) throws IOException, TimeoutException {
    try {
      return child.awaitLine(prefix, timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** Waits for the child to exit and returns its exit code. */
  int awaitExit(Duration timeout) throws InterruptedException, TimeoutException {
    if (!child.process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new TimeoutException(name() + " did not exit within " + timeout + "\n" + output());
    }
    return child.process().exitValue();
  }

  /** Sends SIGKILL and waits for the process to be gone. */
  void kill9() {
    child.kill();
  }

  /** Everything the child wrote so far, for failure messages. */
  String output() {
    return "----- "
        + name()
        + " stdout -----\n"
        + read(stdoutFile())
        + "----- "
        + name()
        + " stderr -----\n"
        + read(stderrFile());
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(unreadable: " + e + ")\n";
    }
  }

  /**
   * Destroys the child: SIGTERM, up to 5 s grace, then a thread dump into its log (SIGQUIT) and
   * SIGKILL. Idempotent.
   */
  @Override
  public void close() {
    Process process = child.process();
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        Signals.send("QUIT", pid());
        // the dump is written asynchronously by the child; its exit is what we wait for next
        process.waitFor(1, TimeUnit.SECONDS);
        child.kill();
      }
    } catch (IOException e) {
      System.err.println(name() + ": cannot request a thread dump: " + e);
      child.kill();
    } catch (InterruptedException e) {
      child.kill();
      Thread.currentThread().interrupt();
    }
  }
}
