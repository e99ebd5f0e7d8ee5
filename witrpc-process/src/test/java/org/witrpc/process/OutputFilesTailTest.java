package org.witrpc.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The last output of a worker whose output went to files is read from their end only. */
class OutputFilesTailTest {

  @Test
  void aHugeOutputFileGivesAStartExceptionWithItsLastLinesInASmallHeap(@TempDir Path dir)
      throws Exception {
    try (ChildProcess host =
        ChildProcess.start(
            "small-heap-host",
            JavaCommand.mainClass(SmallHeapHostMain.class)
                .jvmOptions(Workers.FAST_JVM) // -Xmx64m
                .args(dir.toString(), "60"),
            WorkerOutput.log())) {
      String result = host.awaitLine("RESULT ", Workers.START);
      assertThat(result).isEqualTo("RESULT " + WorkerStartException.class.getName());
      assertThat(host.awaitLine("the last line before the exit", Workers.START)).isNotEmpty();
      assertThat(host.process().waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }
    assertThat(Files.size(dir.resolve("flood.out"))).isGreaterThan(60L * 1024 * 1024);
  }

  @Test
  void theLastLinesOfASmallFile(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("w.out");
    Files.writeString(out, "one\ntwo\nthree\n");
    assertThat(OutputTail.describeFiles(out, dir.resolve("w.err")))
        .isEqualTo(
            "[out] "
                + out
                + ":\none\ntwo\nthree\n[err] "
                + dir.resolve("w.err")
                + ":\n"
                + "(no output)");
  }
}
