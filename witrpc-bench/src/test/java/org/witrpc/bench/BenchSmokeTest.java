package org.witrpc.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The benchmark harness")
class BenchSmokeTest {

  @Test
  @Timeout(300)
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
        .contains("| witrpc tcp://, AUTO | add(int, int) |")
        .contains("| witrpc tcp://, AUTO | msgpack |")
        .contains("| witrpc tcp://, AUTO, TLS | echo(64 chars) |")
        .contains("| witrpc tcp://, AUTO, TLS | msgpack |")
        .contains("| witrpc ws://, AUTO | add(int, int) |")
        .contains("| witrpc ws://, AUTO | msgpack |")
        .contains("| " + GrpcPeer.label(GrpcPeer.Wire.TCP) + " | add(int, int) |")
        .contains("| " + GrpcPeer.label(GrpcPeer.Wire.TCP) + " | raw byte[] |")
        .contains("| " + GrpcPeer.label(GrpcPeer.Wire.TCP_TLS) + " | echo(64 chars) |")
        .contains("| " + GrpcPeer.label(GrpcPeer.Wire.TCP_TLS) + " | raw byte[] |")
        .contains("| target | 1 thread | 2 threads |")
        .contains("## Idle cost")
        .containsPattern("\\| witrpc mmf://, AUTO \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\|")
        .containsPattern("\\| witrpc pipe://, AUTO \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\|")
        .containsPattern("\\| witrpc tcp://, AUTO \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\|")
        .containsPattern("\\| witrpc ws://, AUTO \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\|")
        .contains("## Events server -> client")
        .containsPattern(eventsRow("witrpc mmf://, AUTO"))
        .containsPattern(eventsRow("witrpc mmf://, EXECUTOR"))
        .containsPattern(eventsRow("witrpc mmf://, AUTO, encrypted"))
        .containsPattern(eventsRow("witrpc pipe://, AUTO"))
        .containsPattern(eventsRow("witrpc pipe://, EXECUTOR"))
        .containsPattern(eventsRow("witrpc pipe://, AUTO, encrypted"))
        .containsPattern(eventsRow("witrpc tcp://, AUTO"))
        .containsPattern(eventsRow("witrpc tcp://, AUTO, TLS"))
        .containsPattern(eventsRow("witrpc ws://, AUTO"))
        .contains("CLOCK_MONOTONIC")
        .contains("## Connect time")
        .containsPattern(connectRow("witrpc mmf://, AUTO", WitrpcScenarios.CONNECT_TIMED, "-"))
        .containsPattern(
            connectRow(
                "witrpc pipe://, AUTO, encrypted", WitrpcScenarios.CONNECT_TIMED, "-?[0-9.]+"))
        .containsPattern(
            connectRow(
                GrpcPeer.label(
                    GrpcPeer.epollAvailable() ? GrpcPeer.Wire.UNIX_SOCKET : GrpcPeer.Wire.TCP),
                GrpcPeer.CONNECT_TIMED,
                "-"))
        .containsPattern(
            connectRow("witrpc tcp://, AUTO, TLS", WitrpcScenarios.CONNECT_TIMED, "-?[0-9.]+"))
        .containsPattern(
            connectRow(GrpcPeer.label(GrpcPeer.Wire.TCP_TLS), GrpcPeer.CONNECT_TIMED, "-?[0-9.]+"))
        .containsPattern(connectRow("Java RMI (loopback TCP)", RmiPeer.CONNECT_TIMED, "-"))
        .contains("## Scale: many clients, one server")
        .containsPattern("\\| witrpc mmf://, AUTO \\| 10 \\(2\\) \\| [0-9]+ / [0-9]+ \\|")
        .containsPattern("\\| witrpc pipe://, AUTO \\| 10 \\(2\\) \\| [0-9]+ / [0-9]+ \\|")
        .contains("Machine: ")
        .contains("Java " + System.getProperty("java.version") + " (")
        .contains(System.getProperty("java.home") + ") for the harness and every server JVM")
        .contains("](" + Bench.chartFor(markdown).getFileName() + ")");
    Path chart = Bench.chartFor(markdown);
    assertThat(Files.readAllBytes(chart)).startsWith(0x89, 'P', 'N', 'G');
    Path json = out.resolve(markdown.getFileName().toString().replace(".md", ".json"));
    assertThat(Files.readString(json))
        .contains("\"latencyMicros\"")
        .contains("\"eventsPerSecond\"")
        .contains("\"serverCpuPercent\"");
    JsonNode document = new ObjectMapper().readTree(json.toFile());
    assertThat(document.get("callbackLatencyMicros"))
        .as("callback latency of every witrpc target (mmf, pipe: 3 each; tcp: 2; ws)")
        .hasSize(9)
        .allSatisfy(
            row -> {
              assertThat(row.get("target").asText()).startsWith("witrpc ");
              for (String percentile : List.of("p50", "p90", "p99", "p999")) {
                assertThat(row.get("summary").get(percentile).asDouble()).isPositive();
              }
            });
    assertThat(document.get("connect"))
        .extracting(row -> row.get("timed").asText())
        .contains(WitrpcScenarios.CONNECT_TIMED, GrpcPeer.CONNECT_TIMED, RmiPeer.CONNECT_TIMED);
    assertThat(document.get("connect"))
        .allSatisfy(row -> assertThat(row.get("medianMillis").asDouble()).isPositive());
  }

  /** A row of the events table: the burst rate and four latency percentiles. */
  private static String eventsRow(String target) {
    return Pattern.quote("| " + target + " |") + " [0-9,]+ \\|( [0-9.]+ \\|){4}\n";
  }

  /** A row of the connect table: what is timed, the median and the encryption share. */
  private static String connectRow(String target, String timed, String encryption) {
    return Pattern.quote("| " + target + " | " + timed + " |")
        + " [0-9.]+ \\| "
        + encryption
        + " \\|\n";
  }
}
