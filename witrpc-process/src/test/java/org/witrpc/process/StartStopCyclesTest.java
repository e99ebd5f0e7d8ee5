package org.witrpc.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.witrpc.spi.RuntimeDirectory;

/**
 * Starting and stopping workers again and again leaks no threads, descriptors or files. A cycle
 * takes 1 to 2 s on a busy 2-core machine (a JVM start with encryption), so the build runs 30;
 * {@code -Dwitrpc.process.cycles=100} runs more.
 */
class StartStopCyclesTest {
  private static final int CYCLES = Integer.getInteger("witrpc.process.cycles", 30);

  @Test
  void startStopCyclesLeakNothing() throws Exception {
    cycle("mmf"); // warms up what is created once (class loading, the JDK's reaper)
    cycle("pipe");
    long threads = witrpcThreads();
    long fds = openDescriptors();
    List<String> files = workerFiles();

    long t0 = System.nanoTime();
    for (int i = 0; i < CYCLES; i++) {
      cycle(i % 2 == 0 ? "mmf" : "pipe");
    }
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
    System.out.printf("%d start/stop cycles took %d s%n", CYCLES, seconds);

    awaitAtMost(() -> witrpcThreads(), threads);
    assertThat(witrpcThreads()).as("witrpc threads").isLessThanOrEqualTo(threads);
    awaitAtMost(() -> openDescriptors(), fds);
    assertThat(openDescriptors()).as("open file descriptors").isLessThanOrEqualTo(fds);
    assertThat(workerFiles()).as("workers' files in the runtime directory").isEqualTo(files);
  }

  private static void cycle(String transport) {
    try (WorkerProcess<Calculator> worker = Workers.calculator(transport).start()) {
      assertThat(worker.service().add(1, 1)).isEqualTo(2);
    }
  }

  interface Count {
    long now() throws IOException;
  }

  /** Waits (bounded) until {@code count} is at most {@code limit}: some threads end lazily. */
  private static void awaitAtMost(Count count, long limit) throws Exception {
    for (int i = 0; i < 500 && count.now() > limit; i++) {
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  private static long witrpcThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("witrpc-"))
        .count();
  }

  private static long openDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  private static List<String> workerFiles() throws IOException {
    try (Stream<Path> files = Files.list(RuntimeDirectory.defaultDirectory())) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(f -> f.startsWith("wk-"))
          .sorted()
          .toList();
    }
  }
}
