package org.witrpc.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * A {@link LineSearch} in the stdout file of a child whose output goes to files: each {@link #poll}
 * reads only what the file got since the last one, from where this run's output starts (the file is
 * appended to, so what an earlier run printed is not this run's), and keeps an unfinished last line
 * for the next.
 *
 * <p>Thread safety: confined to the thread that polls.
 */
final class StdoutFileSearch implements LineSearch {
  private static final int CHUNK = 64 * 1024;

  private final Path file;
  private final String prefix;
  private final ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
  private final ByteArrayOutputStream unfinished = new ByteArrayOutputStream();
  private long position;
  private String found;

  /** A search in {@code file} from byte {@code start} on. */
  StdoutFileSearch(Path file, long start, String prefix) {
    this.file = file;
    this.position = start;
    this.prefix = prefix;
  }

  @Override
  public Optional<String> poll(boolean ended) throws IOException {
    if (found == null) {
      readNewBytes();
      if (found == null && ended && unfinished.size() > 0) {
        check(takeUnfinished());
      }
    }
    return Optional.ofNullable(found);
  }

  private void readNewBytes() throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      channel.position(position);
      while (found == null) {
        chunk.clear();
        int read = channel.read(chunk);
        if (read <= 0) {
          return;
        }
        position += read;
        splitLines(chunk.array(), read);
      }
    } catch (NoSuchFileException e) {
      // not created yet: nothing printed yet
    }
  }

  private void splitLines(byte[] bytes, int length) {
    int start = 0;
    for (int i = 0; i < length && found == null; i++) {
      if (bytes[i] == '\n') {
        unfinished.write(bytes, start, i - start);
        check(takeUnfinished());
        start = i + 1;
      }
    }
    if (found == null) {
      unfinished.write(bytes, start, length - start);
    }
  }

  private String takeUnfinished() {
    // a '\n' byte never occurs inside a UTF-8 character, so lines split on bytes decode whole
    String line = unfinished.toString(StandardCharsets.UTF_8);
    unfinished.reset();
    return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
  }

  private void check(String line) {
    if (line.startsWith(prefix)) {
      found = line;
    }
  }

  @Override
  public void close() {}
}
