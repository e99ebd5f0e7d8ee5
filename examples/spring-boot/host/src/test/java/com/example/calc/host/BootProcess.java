package com.example.calc.host;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Spring Boot executable jar running in a JVM of its own, its output kept for the test to wait on
 * (and echoed, prefixed, for the test log).
 *
 * <p>Thread safety: safe for concurrent use; one reader thread appends, tests wait.
 */
final class BootProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final List<String> lines = new ArrayList<>(); // guarded by this

  private BootProcess(String name, Process process) {
    this.name = name;
    this.process = process;
    Thread reader = new Thread(this::readOutput, "output-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  static BootProcess start(String name, Path jar, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(args));
    return new BootProcess(name, new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  private void readOutput() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        System.out.println("[" + name + "] " + line);
        synchronized (this) {
          lines.add(line);
          notifyAll();
        }
      }
    } catch (IOException e) {
      // the process ended
    }
    synchronized (this) {
      notifyAll();
    }
  }

  /** The first line (from the start) matching {@code pattern}; fails after {@code timeout}. */
  synchronized Matcher awaitLine(Pattern pattern, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int seen = 0; ; ) {
      for (; seen < lines.size(); seen++) {
        Matcher m = pattern.matcher(lines.get(seen));
        if (m.find()) {
          return m;
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 || !process.isAlive() && seen == lines.size()) {
        throw new AssertionError(
            name + ": no line matching " + pattern + " (alive: " + process.isAlive() + ")");
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  long pid() {
    return process.pid();
  }

  /** Ends the JVM at once ({@code kill -9}), as a crash would, and waits until it is gone. */
  void kill() {
    process.destroyForcibly();
    process.onExit().join();
  }

  /** Asks the JVM to stop (SIGTERM: Boot's graceful shutdown), killing it after 30 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      process.onExit().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      kill();
    }
  }
}
