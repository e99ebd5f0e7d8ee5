package org.witrpc.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The last lines a process printed, stdout and stderr interleaved as they were read: for the
 * message of a {@link WorkerStartException} and of {@link ChildProcess#awaitLine}'s failures.
 *
 * <p>Thread safety: safe for concurrent use (the two pumps add, any thread reads).
 */
final class OutputTail {
  /** How many lines are kept. */
  static final int LINES = 40;

  private final Deque<Line> lines = new ArrayDeque<>();

  /** Keeps {@code line} of {@code stream} ({@code out} or {@code err}). */
  synchronized void add(String stream, String line) {
    lines.addLast(new Line(stream, line));
    if (lines.size() > LINES) {
      lines.removeFirst();
    }
  }

  /** The kept lines, one per line, or a note that there were none. */
  synchronized String describe() {
    if (lines.isEmpty()) {
      return "(no output)";
    }
    return String.join("\n", lines.stream().map(l -> "[" + l.stream + "] " + l.text).toList());
  }

  private record Line(String stream, String text) {}

  /** The last lines of output files, for a worker whose output went to files. */
  static String describeFiles(Path out, Path err) {
    return "[out] " + out + ":\n" + lastLines(out) + "\n[err] " + err + ":\n" + lastLines(err);
  }

  private static String lastLines(Path file) {
    try {
      if (!Files.exists(file)) {
        return "(no output)";
      }
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - LINES / 2), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(unreadable: " + e + ")";
    }
  }
}
