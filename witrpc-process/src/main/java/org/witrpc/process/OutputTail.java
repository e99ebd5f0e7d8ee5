package org.witrpc.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
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

  /** How much of the end of an output file is read for its last lines: the file may be huge. */
  static final int FILE_TAIL_BYTES = 16 * 1024;

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
    try (SeekableByteChannel channel = Files.newByteChannel(file)) {
      long size = channel.size();
      long start = Math.max(0, size - FILE_TAIL_BYTES);
      ByteBuffer bytes = ByteBuffer.allocate((int) (size - start));
      channel.position(start);
      while (bytes.hasRemaining() && channel.read(bytes) >= 0) {
        // read to the end of the tail
      }
      String text = new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8);
      List<String> lines = new ArrayList<>(List.of(text.split("\\R", -1)));
      if (start > 0 && lines.size() > 1) {
        lines.remove(0); // a line cut by the start of the tail
      } else if (start > 0) {
        lines.set(0, "..." + lines.get(0)); // the end of one huge line
      }
      if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
        lines.remove(lines.size() - 1); // after the last line break
      }
      return String.join("\n", lines.subList(Math.max(0, lines.size() - LINES / 2), lines.size()));
    } catch (NoSuchFileException e) {
      return "(no output)";
    } catch (IOException | UncheckedIOException e) {
      return "(unreadable: " + e + ")";
    }
  }
}
