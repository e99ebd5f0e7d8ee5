package org.witrpc.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The child side of a benchmark server started as a {@link org.witrpc.process.ChildProcess}: it
 * announces itself with a {@code READY} line and runs until its stdin ends (the parent closed it or
 * died), so no child outlives its parent.
 *
 * <p>Thread safety: stateless.
 */
final class ChildMain {
  private ChildMain() {}

  /**
   * Prints {@code READY detail} and flushes, so that the parent's {@code ChildProcess.awaitLine}
   * sees it.
   */
  static void ready(String detail) {
    System.out.println("READY " + detail);
    System.out.flush();
  }

  /** Blocks until stdin ends (the parent's request to shut down). */
  static void awaitStdinEnd() {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      while (in.readLine() != null) {
        // lines are ignored: only the end matters
      }
    } catch (IOException e) {
      // a broken stdin means the parent is gone: shut down as well
    }
  }

  /**
   * Exits the JVM when stdin ends, from a daemon thread: for children whose main thread is busy
   * (spinning, blocked in accept) and would otherwise outlive a parent that died.
   */
  static void exitWhenStdinEnds() {
    Thread watcher =
        new Thread(
            () -> {
              awaitStdinEnd();
              System.exit(0);
            },
            "witrpc-bench-stdin-watcher");
    watcher.setDaemon(true);
    watcher.start();
  }
}
