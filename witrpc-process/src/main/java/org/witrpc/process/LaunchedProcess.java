package org.witrpc.process;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a worker's command: the process and the readers of its output. Output to the log is
 * read by two {@link OutputPump}s and kept in an {@link OutputTail}; output to files is written by
 * the operating system straight into them (appended).
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class LaunchedProcess {
  private final Process process;
  private final List<OutputPump> pumps;
  private final OutputTail tail;
  private final Optional<Path[]> files;

  private LaunchedProcess(
      Process process, List<OutputPump> pumps, OutputTail tail, Optional<Path[]> files) {
    this.process = process;
    this.pumps = pumps;
    this.tail = tail;
    this.files = files;
  }

  /**
   * Starts {@code command} with {@code environment} added to the host's, in {@code directory} (or
   * the host's working directory when null), its output going where {@code output} says.
   *
   * @throws IOException if the command cannot be started
   */
  static LaunchedProcess start(
      String name,
      List<String> command,
      Map<String, String> environment,
      Path directory,
      WorkerOutput output)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(environment);
    if (directory != null) {
      builder.directory(directory.toFile());
    }
    builder.redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
    Optional<Path> dir = output.directory();
    if (dir.isPresent()) {
      Files.createDirectories(dir.get());
      Path out = dir.get().resolve(name + ".out");
      Path err = dir.get().resolve(name + ".err");
      builder.redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
      builder.redirectError(ProcessBuilder.Redirect.appendTo(err.toFile()));
      return new LaunchedProcess(
          builder.start(), List.of(), new OutputTail(), Optional.of(new Path[] {out, err}));
    }
    Process process = builder.start();
    OutputTail tail = new OutputTail();
    Logger log = LoggerFactory.getLogger("org.witrpc.process." + name);
    String threads = "witrpc-process-" + name + "-" + process.pid();
    OutputPump out = pump(process.getInputStream(), "out", tail, log::info, threads);
    OutputPump err = pump(process.getErrorStream(), "err", tail, log::warn, threads);
    return new LaunchedProcess(process, List.of(out, err), tail, Optional.empty());
  }

  /** Reads {@code stream} ({@code out} or {@code err}) into the tail and the log. */
  private static OutputPump pump(
      java.io.InputStream in,
      String stream,
      OutputTail tail,
      java.util.function.BiConsumer<String, Object> log,
      String threads) {
    return OutputPump.start(
        in,
        line -> {
          tail.add(stream, line);
          log.accept("{}", line);
        },
        threads + "-" + stream);
  }

  private static File nullDevice() {
    return new File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
  }

  Process process() {
    return process;
  }

  long pid() {
    return process.pid();
  }

  /** Waits up to {@code millis} for the output to have been read to its end. */
  void awaitOutputDrained(long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    for (OutputPump pump : pumps) {
      pump.awaitEnd(TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }
  }

  /** The last lines of output, for error messages. */
  String outputTail() {
    return files.map(f -> OutputTail.describeFiles(f[0], f[1])).orElseGet(tail::describe);
  }

  /** Kills the process and waits (bounded) for it to be gone. */
  void killAndWait() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }
}
