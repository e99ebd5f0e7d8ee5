package org.witrpc.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The benchmark harness")
class BenchSmokeTest {

  @Test
  @Timeout(60)
  @DisplayName(
      "runs every target in smoke mode and writes a Markdown and a JSON report and a chart")
  void runsEveryTargetAndWritesReports(@TempDir Path out) throws Exception {
    Path markdown = Bench.run(BenchConfig.smoke(), out);

    String report = Files.readString(markdown);
    assertThat(markdown.getFileName().toString()).matches("RESULTS-\\d{8}-\\d{6}\\.md");
    assertThat(report)
        .doesNotContain("## Failures")
        .contains("| witrpc mmf://, AUTO | add(int, int) |")
        .contains("| witrpc mmf://, EXECUTOR | echo(64 chars) |")
        .contains("| witrpc pipe://, AUTO | add(int, int) |")
        .contains("| witrpc pipe://, EXECUTOR | msgpack |")
        .contains("| raw shared memory (spin) | 64-byte ping-pong |")
        .contains("| raw Unix socket | 64-byte ping-pong |")
        .contains("| Java RMI (loopback TCP) | add(int, int) |")
        .contains("| witrpc mmf://, AUTO, encrypted | add(int, int) |")
        .contains("| witrpc pipe://, AUTO, encrypted | echo(64 chars) |")
        .containsPattern("\\| gRPC-java \\(Netty (epoll, Unix socket|NIO, TCP loopback)\\) \\| add")
        .contains("| target | 1 thread | 2 threads |")
        .contains("## Idle cost")
        .containsPattern("\\| witrpc mmf://, AUTO \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\|")
        .containsPattern("\\| witrpc pipe://, AUTO \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\|")
        .containsPattern(
            "\\| witrpc mmf://, AUTO, encrypted \\| [0-9,]+ \\| [0-9.]+ \\| -?[0-9.]+ \\|")
        .contains("Machine: ")
        .contains("](" + Bench.chartFor(markdown).getFileName() + ")");
    Path chart = Bench.chartFor(markdown);
    assertThat(Files.readAllBytes(chart)).startsWith(0x89, 'P', 'N', 'G');
    Path json = out.resolve(markdown.getFileName().toString().replace(".md", ".json"));
    assertThat(Files.readString(json))
        .contains("\"latencyMicros\"")
        .contains("\"eventsPerSecond\"")
        .contains("\"serverCpuPercent\"");
  }
}
