package org.witrpc.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What this JVM holds, for leak checks: its {@code witrpc-*} threads and its open file descriptors
 * other than pipes (a child JVM's stdin pipe stays open until its {@code Process} is collected,
 * which is the test harness's, not witrpc's).
 *
 * <p>Thread safety: immutable.
 *
 * @param witrpcThreads live threads whose name starts with {@code witrpc-}
 * @param fds entries of /proc/self/fd that are not pipes
 */
record ProcessResources(long witrpcThreads, long fds) {
  /** The resources now. */
  static ProcessResources measure() {
    long threads =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.isAlive() && t.getName().startsWith("witrpc-"))
            .count();
    long fds = 0;
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path fd : dir) {
        try {
          if (!Files.readSymbolicLink(fd).toString().startsWith("pipe:")) {
            fds++;
          }
        } catch (IOException closedMeanwhile) {
          // the directory stream's own descriptor, or one closed while listing
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ProcessResources(threads, fds);
  }

  /** True if this holds no more than {@code baseline}. */
  boolean atMost(ProcessResources baseline) {
    return witrpcThreads <= baseline.witrpcThreads && fds <= baseline.fds;
  }
}
