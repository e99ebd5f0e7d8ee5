package org.witrpc.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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

  /**
   * A command line that runs {@code mainClass} as a wrapper script does: {@code /bin/sh} starts the
   * JVM (with {@code marker} as its argument, to find it by) and stays its parent.
   */
  static List<String> wrapperScript(Class<?> mainClass, String marker) {
    List<String> command = new ArrayList<>();
    command.addAll(List.of("/bin/sh", "-c", "\"$@\"; echo wrapper done", "sh"));
    command.addAll(JavaCommand.mainClass(mainClass).jvmOptions(FAST_JVM).args(marker).toList());
    return command;
  }

  /** A fresh marker for {@link #wrapperScript}. */
  static String marker() {
    return "marker-" + UUID.randomUUID();
  }

  /** The running JVMs whose arguments contain {@code marker}, wherever they are in the tree. */
  static List<ProcessHandle> jvmsWith(String marker) {
    String java = JavaCommand.javaExecutable();
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().command().orElse("").equals(java))
        .filter(p -> List.of(p.info().arguments().orElse(new String[0])).contains(marker))
        .filter(Liveness::isRunning)
        .toList();
  }

  /** Waits (bounded) until no JVM with {@code marker} runs; true if none does. */
  static boolean awaitNoJvmWith(String marker) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!jvmsWith(marker).isEmpty()) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
    return true;
  }

  /** Kills every JVM with {@code marker}: a test's cleanup, whatever happened. */
  static void killJvmsWith(String marker) {
    jvmsWith(marker).forEach(ProcessHandle::destroyForcibly);
  }
}
