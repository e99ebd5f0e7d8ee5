package org.witrpc.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A host whose class path has relative entries starts its worker in another directory. */
class RelativeClassPathTest {

  @Test
  void aWorkerRunsInAnotherDirectoryWhenTheHostsClassPathIsRelative(@TempDir Path elsewhere) {
    JavaCommand command;
    String classPath = System.getProperty("java.class.path");
    System.setProperty("java.class.path", relative(classPath));
    try {
      command = JavaCommand.mainClass(CalculatorWorker.class);
    } finally {
      System.setProperty("java.class.path", classPath);
    }
    try (WorkerProcess<Calculator> worker =
        WorkerProcess.builder(Calculator.class)
            .command(command)
            .jvmOptions(Workers.FAST_JVM)
            .workingDirectory(elsewhere)
            .startTimeout(Workers.START)
            .start()) {
      assertThat(worker.service().add(1, 2)).isEqualTo(3);
    }
  }

  /** {@code classPath} with each entry relative to the working directory. */
  private static String relative(String classPath) {
    Path here = Path.of("").toAbsolutePath();
    List<String> entries = new ArrayList<>();
    for (String entry : classPath.split(File.pathSeparator)) {
      entries.add(here.relativize(Path.of(entry).toAbsolutePath()).toString());
    }
    return String.join(File.pathSeparator, entries);
  }
}
