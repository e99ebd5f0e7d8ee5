package org.witrpc.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Renders {@link BenchResults} as Markdown tables, one per kind of measurement.
 *
 * <p>Thread safety: stateless.
 */
final class MarkdownReport {
  private MarkdownReport() {}

  static String render(BenchResults results, BenchConfig config, String environment) {
    StringBuilder md = new StringBuilder();
    md.append("# witrpc benchmark (").append(config.mode()).append(" mode)\n\n");
    md.append(environment).append("\n\n");
    md.append(
        "Every server runs in its own JVM. Median of "
            + config.runs()
            + " runs after warm-up. Small calls, throughput, events and connect use JSON.\n\n");
    latency(md, results);
    throughput(md, results, config);
    bulk(md, results, config);
    eventsAndConnect(md, results);
    return md.toString();
  }

  private static void latency(StringBuilder md, BenchResults results) {
    md.append("## Small calls, one client thread (microseconds)\n\n");
    md.append("| target | call | p50 | p90 | p99 | p99.9 | max | calls/s |\n");
    md.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (BenchResults.Latency row : results.latency) {
      LatencySummary s = row.summary();
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %.1f | %.1f | %.1f | %.1f | %.1f | %,.0f |%n",
              row.target(),
              row.operation(),
              s.p50(),
              s.p90(),
              s.p99(),
              s.p999(),
              s.max(),
              s.callsPerSecond()));
    }
    md.append('\n');
  }

  private static void throughput(StringBuilder md, BenchResults results, BenchConfig config) {
    md.append("## Throughput: add(int, int) from N threads sharing one client (calls/s)\n\n");
    List<String> header = new ArrayList<>(List.of("target"));
    config.threadCounts().forEach(t -> header.add(t + (t == 1 ? " thread" : " threads")));
    row(md, header);
    separator(md, 1, header.size());
    Map<String, List<String>> rows = new LinkedHashMap<>();
    for (BenchResults.Throughput t : results.throughput) {
      rows.computeIfAbsent(t.target(), k -> new ArrayList<>(List.of(k)))
          .add(String.format(Locale.ROOT, "%,.0f", t.callsPerSecond()));
    }
    rows.values().forEach(r -> row(md, r));
    md.append('\n');
  }

  private static void bulk(StringBuilder md, BenchResults results, BenchConfig config) {
    md.append("## Bulk byte[] echo (MB/s, 10^6 bytes, both directions counted)\n\n");
    List<String> header = new ArrayList<>(List.of("target", "serializer"));
    config.bulkSizes().forEach(size -> header.add(sizeLabel(size)));
    row(md, header);
    separator(md, 2, header.size());
    Map<String, List<String>> rows = new LinkedHashMap<>();
    for (BenchResults.Bulk b : results.bulk) {
      rows.computeIfAbsent(
              b.target() + "\u0000" + b.serializer(),
              k -> new ArrayList<>(List.of(b.target(), b.serializer())))
          .add(String.format(Locale.ROOT, "%,.0f", b.megabytesPerSecond()));
    }
    rows.values().forEach(r -> row(md, r));
    md.append('\n');
  }

  private static void eventsAndConnect(StringBuilder md, BenchResults results) {
    md.append("## Events server -> client, and connect time\n\n");
    md.append("| target | events/s | connect + handshake (median ms) |\n");
    md.append("| --- | ---: | ---: |\n");
    Set<String> targets = new LinkedHashSet<>();
    results.events.forEach(e -> targets.add(e.target()));
    results.connect.forEach(c -> targets.add(c.target()));
    for (String target : targets) {
      String events =
          results.events.stream()
              .filter(e -> e.target().equals(target))
              .map(e -> String.format(Locale.ROOT, "%,.0f", e.eventsPerSecond()))
              .findFirst()
              .orElse("-");
      String connect =
          results.connect.stream()
              .filter(c -> c.target().equals(target))
              .map(c -> String.format(Locale.ROOT, "%.2f", c.medianMillis()))
              .findFirst()
              .orElse("-");
      row(md, List.of(target, events, connect));
    }
    md.append('\n');
  }

  static String sizeLabel(int bytes) {
    return bytes >= 1 << 20 ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
  }

  private static void row(StringBuilder md, List<String> cells) {
    md.append("| ").append(String.join(" | ", cells)).append(" |\n");
  }

  private static void separator(StringBuilder md, int textColumns, int columns) {
    md.append("|")
        .append(" --- |".repeat(textColumns))
        .append(" ---: |".repeat(columns - textColumns))
        .append('\n');
  }
}
