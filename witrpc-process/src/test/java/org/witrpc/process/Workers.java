package org.witrpc.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.witrpc.spi.RuntimeDirectory;

/** Shared settings and checks of the tests that start worker JVMs. */
final class Workers {
  /** Short-lived JVMs start faster with C1 only and a small serial heap. */
  static final String[] FAST_JVM = {"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m"};

  /** How long a worker JVM may take to serve on a busy 2-core machine. */
  static final Duration START = Duration.ofSeconds(60);

  private Workers() {}

  /** A builder of {@link CalculatorWorker}s on {@code transport}. */
  static WorkerProcessBuilder<Calculator> calculator(String transport) {
    return WorkerProcess.builder(Calculator.class)
        .mainClass(CalculatorWorker.class)
        .jvmOptions(FAST_JVM)
        .transport(transport)
        .startTimeout(START);
  }

  /** The transport name in a worker's address ({@code mmf://NAME?...}). */
  static String transportName(WorkerProcess<?> worker) {
    String address = worker.address();
    String rest = address.substring(address.indexOf("://") + 3);
    return rest.contains("?") ? rest.substring(0, rest.indexOf('?')) : rest;
  }

  /** The files in the runtime directory that belong to transport name {@code name}. */
  static List<Path> runtimeFiles(String name) throws IOException {
    try (Stream<Path> files = Files.list(RuntimeDirectory.defaultDirectory())) {
      return files.filter(f -> f.getFileName().toString().startsWith(name + ".")).toList();
    }
  }
}
