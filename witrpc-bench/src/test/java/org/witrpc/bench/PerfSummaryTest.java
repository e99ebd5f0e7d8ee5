package org.witrpc.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The perf profile summary")
class PerfSummaryTest {
  private static final String PERF_SCRIPT =
      String.join(
          "\n",
          "java 100/101",
          "\t7f00000001 StubRoutines (2)",
          "\t7f00000002 void org.witrpc.transport.mmf.RingBuffer.take(int, int)+0x1da",
          "\t7f00000003 Interpreter",
          "",
          "java 100/101",
          "\t7f00000001 StubRoutines (2)",
          "\t7f00000002 void org.witrpc.transport.mmf.RingBuffer.take(int, int)+0x1da",
          "",
          "C2 CompilerThre 200/203",
          "\tffffffff81000000 finish_task_switch.isra.0+0x1",
          "\t7f00000005 PhaseChaitin::Split+0x10",
          "",
          "witrpc-mmf-prof 200/204",
          "\t7f00000006 __memset_avx512_unaligned_erms+0x4",
          "\t7f00000007 byte[] java.nio.ByteBuffer.allocate(int)+0x185",
          "");

  @Test
  void attributesEachSampleToItsJvmThreadLeafAndFirstJavaMethod(@TempDir Path dir)
      throws Exception {
    Path pids = Files.writeString(dir.resolve("pids"), "client=100 server=200\n");

    String summary =
        PerfSummary.summarize(new BufferedReader(new StringReader(PERF_SCRIPT)), pids, 10);

    assertThat(summary)
        .startsWith("4 samples")
        .contains("| 50.0% | client | java |")
        .contains("| 25.0% | server | C2 CompilerThre |")
        .contains("| 50.0% | client | copy (JIT arraycopy stub) | RingBuffer.take |")
        .contains("| 25.0% | server | [kernel] finish_task_switch.isra.0 | - |")
        .contains("| 25.0% | server | zeroing (memset) | ByteBuffer.allocate |");
  }

  @Test
  void namesJvmsByPidWithoutAPidsFile() throws Exception {
    String summary =
        PerfSummary.summarize(new BufferedReader(new StringReader(PERF_SCRIPT)), null, 10);

    assertThat(summary).contains("| pid 100 | copy (JIT arraycopy stub) | RingBuffer.take |");
  }
}
