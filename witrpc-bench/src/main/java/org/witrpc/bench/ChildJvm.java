package org.witrpc.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A child JVM running a main class of this module with the parent's class path and the parent's
 * {@code java}. The child's stdout is read line by line on a daemon thread, so the parent can
 * {@link #awaitLine await a line} (such as {@code READY}) without polling; its stderr goes to the
 * parent's stderr. {@link #close} shuts it down: it closes the child's stdin (the child's signal to
 * exit), waits, and destroys it forcibly if it does not exit in time.
 *
 * <p>Thread safety: not thread-safe; owned by the thread that started it.
 */
public final class ChildJvm implements AutoCloseable {
  private static final String END_OF_OUTPUT = "\u0000end-of-output";
  private static final int KEPT_LINES = 50;

  private final String name;
  private final Process process;
  private final Writer stdin;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final Deque<String> recent = new ArrayDeque<>();
  private boolean outputEnded;

  private ChildJvm(String name, Process process) {
    this.name = name;
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(this::pumpStdout, "witrpc-bench-child-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code mainClass} in a new JVM with {@code jvmOptions} and {@code args}.
   *
   * @throws UncheckedIOException if the process cannot be started
   */
  public static ChildJvm start(
      String name, Class<?> mainClass, List<String> jvmOptions, List<String> args) {
    Objects.requireNonNull(mainClass, "mainClass == null");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.addAll(args);
    try {
      Process process =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      return new ChildJvm(name, process);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + command, e);
    }
  }

  private void pumpStdout() {
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lines.add(line);
      }
    } catch (IOException e) {
      lines.add("(stdout unreadable: " + e + ")");
    } finally {
      lines.add(END_OF_OUTPUT);
    }
  }

  /** The operating system's id of the child. */
  public long pid() {
    return process.pid();
  }

  /**
   * Waits for a stdout line starting with {@code prefix} and returns it; earlier lines are skipped.
   *
   * @throws TimeoutException if none comes in time
   * @throws IllegalStateException if the child ends its output first
   */
  public String awaitLine(String prefix, Duration timeout)
      throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!outputEnded) {
      String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new TimeoutException(
            name + " did not print '" + prefix + "' within " + timeout + describeRecent());
      }
      if (line.equals(END_OF_OUTPUT)) {
        outputEnded = true;
        break;
      }
      remember(line);
      if (line.startsWith(prefix)) {
        return line;
      }
    }
    throw new IllegalStateException(
        name + " ended its output before printing '" + prefix + "'" + describeRecent());
  }

  private void remember(String line) {
    recent.addLast(line);
    if (recent.size() > KEPT_LINES) {
      recent.removeFirst();
    }
  }

  private String describeRecent() {
    String exit = process.isAlive() ? "still running" : "exit code " + process.exitValue();
    return " (" + exit + "); last output:\n  " + String.join("\n  ", recent);
  }

  /** Sends one line to the child's stdin. */
  public void sendLine(String line) {
    try {
      stdin.write(line + "\n");
      stdin.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to " + name, e);
    }
  }

  /**
   * Closes the child's stdin (its signal to shut down) and waits up to {@code grace} for it to
   * exit; destroys it forcibly after that.
   *
   * @return the exit code, or empty if the child had to be destroyed
   */
  public Optional<Integer> shutdown(Duration grace) {
    try {
      stdin.close();
    } catch (IOException e) {
      // the child is gone already or its stdin is broken: the wait below decides
    }
    try {
      if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        return Optional.of(process.exitValue());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    destroyForcibly();
    return Optional.empty();
  }

  private void destroyForcibly() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Shuts the child down with a 5 second grace period. Idempotent. */
  @Override
  public void close() {
    if (process.isAlive()) {
      shutdown(Duration.ofSeconds(5));
    }
  }
}
