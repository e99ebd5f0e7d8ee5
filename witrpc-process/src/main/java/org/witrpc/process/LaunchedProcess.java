package org.witrpc.process;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a command: the process and the readers of its output. Output to the log is read by two
 * {@link OutputPump}s and kept in an {@link OutputTail}; output to files is written by the
 * operating system straight into them (appended).
 *
 * <p>A worker's stdin is the null device. A {@link ChildProcess}'s stdin is a pipe that the host
 * keeps open (the child sees its end when the host closes it or dies), and its stdout lines can be
 * searched ({@link #searchStdout}): from the last {@value #CHILD_STDOUT_LINES} when they go to the
 * log, from all that the output file got since the start when they go to a file.
 *
 * <p>A worker's command may be a wrapper (a shell script that starts the JVM): {@link #destroyTree}
 * and {@link #killTreeAndWait} end its whole tree, the descendants first. A descendant is only
 * found while the process lives (an orphan is no longer anyone's descendant), so the tree is
 * {@linkplain #rememberDescendants remembered} as the process runs, and what was remembered is
 * ended too when the process itself is gone.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class LaunchedProcess {
  /** How many stdout lines of a child going to the log are kept for {@link #searchStdout}. */
  static final int CHILD_STDOUT_LINES = 1000;

  private static final Logger LOG = LoggerFactory.getLogger(LaunchedProcess.class);
  private static final long KILL_WAIT_SECONDS = 10;
  private static final long POLL_MILLIS = 10;

  private final Process process;
  private final List<OutputPump> pumps;
  private final OutputTail tail;
  private final StdoutLines stdout;
  private final Optional<OutputFiles> files;
  private final Set<ProcessHandle> descendants = ConcurrentHashMap.newKeySet();

  private LaunchedProcess(
      Process process,
      List<OutputPump> pumps,
      OutputTail tail,
      StdoutLines stdout,
      Optional<OutputFiles> files) {
    this.process = process;
    this.pumps = pumps;
    this.tail = tail;
    this.stdout = stdout;
    this.files = files;
  }

  /**
   * Starts a worker's {@code command} with {@code environment} added to the host's, in {@code
   * directory} (or the host's working directory when null), its output going where {@code output}
   * says, its stdin the null device.
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
    return start(name, builder, output, false);
  }

  /**
   * Starts a {@link ChildProcess}'s {@code command} in the host's environment and working
   * directory, its output going where {@code output} says, its stdin a pipe.
   *
   * @throws IOException if the command cannot be started
   */
  static LaunchedProcess startChild(String name, List<String> command, WorkerOutput output)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.redirectInput(ProcessBuilder.Redirect.PIPE);
    return start(name, builder, output, true);
  }

  private static LaunchedProcess start(
      String name, ProcessBuilder builder, WorkerOutput output, boolean child) throws IOException {
    Optional<Path> dir = output.directory();
    if (dir.isPresent()) {
      Files.createDirectories(dir.get());
      OutputFiles files = OutputFiles.in(dir.get(), name);
      builder.redirectOutput(ProcessBuilder.Redirect.appendTo(files.out().toFile()));
      builder.redirectError(ProcessBuilder.Redirect.appendTo(files.err().toFile()));
      return new LaunchedProcess(
          builder.start(), List.of(), new OutputTail(), new StdoutLines(0), Optional.of(files));
    }
    Process process = builder.start();
    OutputTail tail = new OutputTail();
    StdoutLines stdout = new StdoutLines(child ? CHILD_STDOUT_LINES : 0);
    Logger log = LoggerFactory.getLogger("org.witrpc.process." + name);
    String threads = "witrpc-process-" + name + "-" + process.pid();
    OutputPump out =
        OutputPump.start(
            process.getInputStream(),
            line -> {
              tail.add("out", line);
              stdout.add(line);
              log.info("{}", line);
            },
            threads + "-out");
    OutputPump err =
        OutputPump.start(
            process.getErrorStream(),
            line -> {
              tail.add("err", line);
              log.warn("{}", line);
            },
            threads + "-err");
    return new LaunchedProcess(process, List.of(out, err), tail, stdout, Optional.empty());
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
    return files.map(OutputFiles::describe).orElseGet(tail::describe);
  }

  /**
   * Begins a search of a child's stdout for a line starting with {@code prefix}: in the lines so
   * far (see the class comment), then in those to come. The caller closes it.
   */
  LineSearch searchStdout(String prefix) {
    return files.isPresent()
        ? new StdoutFileSearch(files.get().out(), files.get().stdoutStart(), prefix)
        : stdout.search(prefix);
  }

  /**
   * Remembers the processes the process has started so far, directly or not (a handle knows its
   * process's start time, so a reused pid is never taken for it).
   */
  void rememberDescendants() {
    process.descendants().forEach(descendants::add);
  }

  /**
   * Ends the tree: the remembered and current descendants first, then the process; with SIGTERM, or
   * with SIGKILL when {@code forcibly}. Does not wait.
   */
  void destroyTree(boolean forcibly) {
    rememberDescendants();
    for (ProcessHandle descendant : descendants) {
      if (forcibly) {
        descendant.destroyForcibly();
      } else {
        descendant.destroy();
      }
    }
    if (forcibly) {
      process.destroyForcibly();
    } else {
      process.destroy();
    }
  }

  /**
   * Waits up to {@code timeout} for the process and its remembered descendants to be gone; a zombie
   * counts as gone (an orphan's new parent may never collect it).
   *
   * @return whether all are gone
   */
  boolean awaitTreeGone(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    if (!process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
      return false;
    }
    for (ProcessHandle descendant : descendants) {
      while (Liveness.isRunning(descendant)) {
        if (System.nanoTime() - deadline >= 0) {
          return false;
        }
        TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
      }
    }
    return true;
  }

  /**
   * Kills the process alone (a {@link ChildProcess}'s kill stands for a {@code kill -9} of it,
   * whose children see their parent die) and waits (bounded) for it to be gone.
   */
  void killAndWait() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(KILL_WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /** Kills the process and its descendants and waits (bounded) for them to be gone. */
  void killTreeAndWait() throws InterruptedException {
    destroyTree(true);
    if (!awaitTreeGone(KILL_WAIT_SECONDS, TimeUnit.SECONDS)) {
      LOG.warn("process {} or one of its descendants is still there after a kill", pid());
    }
  }

  /**
   * The output files of one run and the size the stdout file had before it: a file is appended to,
   * so what an earlier run printed is not this run's.
   */
  private record OutputFiles(Path out, Path err, long stdoutStart) {
    static OutputFiles in(Path directory, String name) throws IOException {
      Path out = directory.resolve(name + ".out");
      return new OutputFiles(
          out, directory.resolve(name + ".err"), Files.exists(out) ? Files.size(out) : 0);
    }

    String describe() {
      return OutputTail.describeFiles(out, err);
    }
  }
}
