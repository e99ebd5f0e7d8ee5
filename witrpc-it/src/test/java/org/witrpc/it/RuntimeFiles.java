package org.witrpc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import org.witrpc.spi.RuntimeDirectory;

/**
 * The files the local transports keep in {@link RuntimeDirectory#defaultDirectory()} for the names
 * of one test run: socket files ({@code NAME.sock} for pipes, {@code NAME.mmf.sock} for mmf) and
 * per-connection mapping files ({@code NAME.<32 hex digits>.mmf}). Other engineers' and other runs'
 * files in the same directory are ignored: every name a test uses starts with a prefix unique to
 * this JVM ({@link #uniqueName}).
 *
 * <p>Thread safety: stateless apart from an atomic counter; safe for concurrent use.
 */
final class RuntimeFiles {
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final String RUN_PREFIX =
      "it" + Long.toString(ProcessHandle.current().pid(), 36) + "-";
  private static final Pattern MAPPING = Pattern.compile(".*\\.[0-9a-f]{32}\\.mmf");

  private RuntimeFiles() {}

  /**
   * A transport name no other test or process uses: {@code it<pid>-<n>-<role>}, short enough for
   * the socket path limit.
   */
  static String uniqueName(String role) {
    return RUN_PREFIX + NAMES.incrementAndGet() + "-" + role;
  }

  /** The names of the files in the runtime directory that start with {@code prefix}. */
  static Set<String> startingWith(String prefix) {
    Set<String> names = new TreeSet<>();
    try (DirectoryStream<Path> dir =
        Files.newDirectoryStream(RuntimeDirectory.defaultDirectory(), prefix + "*")) {
      for (Path p : dir) {
        names.add(p.getFileName().toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return names;
  }

  /** True for a per-connection shared-memory file ({@code NAME.<hex>.mmf}). */
  static boolean isMapping(String fileName) {
    return MAPPING.matcher(fileName).matches();
  }

  /**
   * Waits (bounded) until the files starting with {@code prefix} are {@code expected}, failing with
   * the difference; deletions by a peer that is shutting down may lag a little. Per-connection
   * mappings ({@code NAME.<hex>.mmf}) are unlinked once both sides have mapped them, so none is
   * left but a running mmf server's one spare for its next client (made after each handshake):
   * other files must be exactly the expected ones, and mappings at most one.
   */
  static void awaitExactly(String prefix, Set<String> expected) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    Set<String> want = withoutMappings(expected);
    Set<String> now = startingWith(prefix);
    while (!(withoutMappings(now).equals(want) && mappings(now) <= 1)
        && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      now = startingWith(prefix);
    }
    String where = prefix + " in " + RuntimeDirectory.defaultDirectory() + " (now: " + now + ")";
    assertThat(withoutMappings(now)).as("files starting with %s", where).isEqualTo(want);
    assertThat(mappings(now))
        .as("mappings starting with %s: at most a spare", where)
        .isLessThanOrEqualTo(1);
  }

  private static Set<String> withoutMappings(Set<String> names) {
    Set<String> rest = new TreeSet<>(names);
    rest.removeIf(RuntimeFiles::isMapping);
    return rest;
  }

  private static long mappings(Set<String> names) {
    return names.stream().filter(RuntimeFiles::isMapping).count();
  }
}
