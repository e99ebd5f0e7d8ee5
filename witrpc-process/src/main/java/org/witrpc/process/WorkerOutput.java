package org.witrpc.process;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a worker's (or a {@link ChildProcess}'s) stdout and stderr go: to the host's SLF4J log (the
 * default), one line per log event under the logger {@code org.witrpc.process.WORKER_NAME}, INFO
 * for stdout and WARN for stderr; or to the files {@code WORKER_NAME.out} and {@code
 * WORKER_NAME.err} in a directory, appended to (a restarted worker continues them).
 *
 * <p>Either way the output is read as it comes, so the worker never blocks on a full pipe, and
 * everything it printed is read before {@link WorkerProcess#onExit()} completes. Log lines are cut
 * into pieces of at most {@value #MAX_LINE_CHARS} characters.
 *
 * <p>Thread safety: immutable.
 */
public final class WorkerOutput {
  /** The longest line logged as one event; a longer one is logged in pieces. */
  public static final int MAX_LINE_CHARS = 8192;

  private static final WorkerOutput LOG = new WorkerOutput(null);

  private final Path directory;

  private WorkerOutput(Path directory) {
    this.directory = directory;
  }

  /** To the host's SLF4J log under {@code org.witrpc.process.WORKER_NAME}. The default. */
  public static WorkerOutput log() {
    return LOG;
  }

  /** To {@code WORKER_NAME.out} and {@code WORKER_NAME.err} in {@code directory} (created). */
  public static WorkerOutput files(Path directory) {
    return new WorkerOutput(Objects.requireNonNull(directory, "directory == null"));
  }

  /** The directory of the output files, or empty for the log. */
  Optional<Path> directory() {
    return Optional.ofNullable(directory);
  }

  @Override
  public String toString() {
    return directory == null ? "WorkerOutput.log()" : "WorkerOutput.files(" + directory + ")";
  }
}
