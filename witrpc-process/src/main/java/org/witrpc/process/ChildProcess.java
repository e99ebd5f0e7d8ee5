package org.witrpc.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A JVM this host starts that is not a witrpc worker: a client, a server of another RPC library, a
 * peer under test. It is launched and its output handled as a {@link WorkerProcess}'s is, without
 * the rest: no address, no token, no connection, no supervision.
 *
 * <ul>
 *   <li>Its stdout and stderr go where a {@link WorkerOutput} says, under the child's name, read as
 *       they come, so the child never blocks on a full pipe.
 *   <li>Its stdin is a pipe that stays open until {@link #closeInput()}, {@link #stop}, {@link
 *       #kill()} or the host's death: a child that reads its stdin to the end learns that way that
 *       it should end, and so never outlives its host.
 *   <li>{@link #awaitLine} waits for a line on its stdout, such as the {@code READY} line of a
 *       server.
 * </ul>
 *
 * <pre>{@code
 * try (ChildProcess server =
 *     ChildProcess.start("server", JavaCommand.mainClass(ServerMain.class), WorkerOutput.log())) {
 *   String address = server.awaitLine("READY ", Duration.ofSeconds(30)).substring(6);
 *   ...
 * }
 * }</pre>
 *
 * <p>Thread safety: safe for concurrent use; {@link #close()} is idempotent.
 */
public final class ChildProcess implements AutoCloseable {
  private static final long POLL_MILLIS = 10;
  private static final long DRAIN_MILLIS = 2_000;

  private final String name;
  private final LaunchedProcess launched;

  private ChildProcess(String name, LaunchedProcess launched) {
    this.name = name;
    this.launched = launched;
  }

  /**
   * Starts {@code command} in the host's environment and working directory.
   *
   * @param name the child's name: 1 to 64 characters from {@code A-Z a-z 0-9 . _ -}; its output is
   *     logged under {@code org.witrpc.process.NAME} or written to {@code NAME.out} and {@code
   *     NAME.err}
   * @throws IOException if the command cannot be started
   */
  public static ChildProcess start(String name, JavaCommand command, WorkerOutput output)
      throws IOException {
    ProcessNames.check(name);
    Objects.requireNonNull(command, "command == null");
    Objects.requireNonNull(output, "output == null");
    return new ChildProcess(name, LaunchedProcess.startChild(name, command.toList(), output));
  }

  /** The name given at start. */
  public String name() {
    return name;
  }

  /** The operating system's process id. */
  public long pid() {
    return launched.pid();
  }

  /** The process, to wait for it, signal it or read its exit code. */
  public Process process() {
    return launched.process();
  }

  /**
   * Waits until the child prints a line starting with {@code prefix} on its stdout and returns that
   * line; a line printed before this call counts (when the output goes to the log: one of the last
   * {@value LaunchedProcess#CHILD_STDOUT_LINES} lines), and no line printed during it is missed,
   * however many follow it. The output is read as it comes, each byte once per call.
   *
   * @throws TimeoutException if no such line comes within {@code timeout}; the message has the
   *     child's last output
   * @throws IllegalStateException if the child exits first; the message has its exit code and its
   *     last output
   */
  public String awaitLine(String prefix, Duration timeout)
      throws TimeoutException, InterruptedException {
    Objects.requireNonNull(prefix, "prefix == null");
    long deadline = System.nanoTime() + Durations.capped(timeout).toNanos();
    Process process = launched.process();
    try (LineSearch search = launched.searchStdout(prefix)) {
      while (true) {
        boolean exited = !process.isAlive();
        if (exited) {
          launched.awaitOutputDrained(DRAIN_MILLIS);
        }
        Optional<String> line = poll(search, exited);
        if (line.isPresent()) {
          return line.get();
        }
        if (exited) {
          throw new IllegalStateException(
              name
                  + " exited with code "
                  + process.exitValue()
                  + " before printing '"
                  + prefix
                  + "'; its last output:\n"
                  + outputTail());
        }
        if (System.nanoTime() - deadline >= 0) {
          throw new TimeoutException(
              name
                  + " did not print '"
                  + prefix
                  + "' within "
                  + timeout
                  + "; its last output:\n"
                  + outputTail());
        }
        process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS);
      }
    }
  }

  private Optional<String> poll(LineSearch search, boolean ended) {
    try {
      return search.poll(ended);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the output of " + name, e);
    }
  }

  /** The child's last lines of output (or of its output files), for messages. */
  public String outputTail() {
    return launched.outputTail();
  }

  /** Closes the child's stdin, which tells a child that reads it to end. Idempotent. */
  public void closeInput() {
    try {
      launched.process().getOutputStream().close();
    } catch (IOException e) {
      // the child is gone already: its stdin is closed either way
    }
  }

  /**
   * Closes the child's stdin, waits up to {@code grace} for it to exit, and kills it (SIGKILL) if
   * it has not. Returns when it is gone.
   *
   * @return its exit code if it exited by itself, empty if it had to be killed
   */
  public OptionalInt stop(Duration grace) {
    Objects.requireNonNull(grace, "grace == null");
    closeInput();
    Process process = launched.process();
    try {
      if (process.waitFor(Durations.capped(grace).toNanos(), TimeUnit.NANOSECONDS)) {
        launched.awaitOutputDrained(DRAIN_MILLIS);
        return OptionalInt.of(process.exitValue());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    kill();
    return OptionalInt.empty();
  }

  /** Kills the child at once (SIGKILL) and returns when it is gone. Idempotent. */
  public void kill() {
    try {
      launched.killAndWait();
      launched.awaitOutputDrained(DRAIN_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@link #stop Stops} the child with {@link WorkerProcess#DEFAULT_STOP_GRACE}. Idempotent. */
  @Override
  public void close() {
    stop(WorkerProcess.DEFAULT_STOP_GRACE);
  }

  @Override
  public String toString() {
    return "ChildProcess[" + name + ", pid " + pid() + "]";
  }
}
