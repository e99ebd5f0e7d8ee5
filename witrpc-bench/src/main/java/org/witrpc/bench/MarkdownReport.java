package org.witrpc.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * Renders {@link BenchResults} as Markdown tables, one per kind of measurement.
 *
 * <p>Thread safety: stateless.
 */
final class MarkdownReport {
  private MarkdownReport() {}

  /**
   * The report.
   *
   * @param machine what the run was measured on
   * @param environment when it ran, how long it took, and the load at its end
   * @param chartFile the latency chart's file name, next to the report
   */
  static String render(
      BenchResults results,
      BenchConfig config,
      MachineInfo machine,
      String environment,
      String chartFile) {
    StringBuilder md = new StringBuilder();
    md.append("# witrpc benchmark (").append(config.mode()).append(" mode)\n\n");
    md.append("Machine: ").append(machine.describe()).append(".\n\n");
    md.append("Run: ").append(environment).append(".\n\n");
    md.append(
        "Every server runs in its own JVM. Median of "
            + config.runs()
            + " runs after warm-up. witrpc's small calls, throughput, events, idle and connect use"
            + " JSON; gRPC sends raw byte[] messages (no protobuf) with direct executors. TCP"
            + " targets run on 127.0.0.1, witrpc's and gRPC's on the same Netty (epoll where it"
            + " loads), TLS through the JDK's provider on both. Other work on the machine (see the"
            + " load average) makes the numbers noisy.\n\n");
    if (!config.targets().isEmpty()) {
      List<String> skipped = new ArrayList<>(Bench.TARGETS);
      skipped.removeAll(config.targets());
      md.append("Not run in this mode: ").append(String.join(", ", skipped)).append(". ");
    }
    if (!config.secondaryScenarios()) {
      md.append(
          "Encrypted, TLS and EXECUTOR targets ran small calls and connect time only (the other"
              + " scenarios run in full mode).");
    }
    if (!config.targets().isEmpty() || !config.secondaryScenarios()) {
      md.append("\n\n");
    }
    md.append("![latency percentiles per target, log scale](").append(chartFile).append(")\n\n");
    latency(md, results);
    throughput(md, results, config);
    bulk(md, results, config);
    events(md, results, config);
    eventsByGap(md, results, config);
    connect(md, results, config);
    idle(md, results);
    scale(md, results);
    failures(md, results);
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

  private static void events(StringBuilder md, BenchResults results, BenchConfig config) {
    md.append("## Events server -> client\n\n");
    md.append(
        "| target | burst (events/s) | one event p50 (us) | p90 (us) | p99 (us) | p99.9 (us) |\n");
    separator(md, 1, 6);
    Set<String> targets = new LinkedHashSet<>();
    results.events.forEach(e -> targets.add(e.target()));
    results.callbackLatency.forEach(c -> targets.add(c.target()));
    for (String target : targets) {
      List<String> cells = new ArrayList<>(List.of(target));
      cells.add(
          results.events.stream()
              .filter(e -> e.target().equals(target))
              .map(e -> String.format(Locale.ROOT, "%,.0f", e.eventsPerSecond()))
              .findFirst()
              .orElse("-"));
      Optional<LatencySummary> latency =
          results.callbackLatency.stream()
              .filter(c -> c.target().equals(target))
              .map(BenchResults.CallbackLatency::summary)
              .findFirst();
      for (ToDoubleFunction<LatencySummary> percentile :
          List.<ToDoubleFunction<LatencySummary>>of(
              LatencySummary::p50,
              LatencySummary::p90,
              LatencySummary::p99,
              LatencySummary::p999)) {
        cells.add(
            latency
                .map(l -> String.format(Locale.ROOT, "%.1f", percentile.applyAsDouble(l)))
                .orElse("-"));
      }
      row(md, cells);
    }
    md.append('\n');
    md.append(
        String.format(
            Locale.ROOT,
            "Burst: %,d events sent back to back, timed until the last one arrives. One event: the"
                + " latency of single events, one in flight at a time (the client waits for each"
                + " before it fires the next), from the server's System.nanoTime() just before it"
                + " sends the callback to System.nanoTime() in the client's listener; the median"
                + " run of %,d events, as for small calls. On Linux System.nanoTime() reads"
                + " CLOCK_MONOTONIC, one clock for every process on the machine, so this one-way"
                + " time across the two JVMs is meaningful.%n%n",
            config.eventsPerRun(),
            config.latencyCalls()));
  }

  private static void eventsByGap(StringBuilder md, BenchResults results, BenchConfig config) {
    if (results.eventLatency.isEmpty()) {
      return;
    }
    md.append("## Event latency by idle gap, server -> client\n\n");
    md.append(
        "| target | events per round | idle gap before a round (us) | p50 (us) | p90 (us) | p99 (us)"
            + " | p99.9 (us) | client switches per event | server switches per event |\n");
    separator(md, 1, 9);
    for (BenchResults.EventLatency e : results.eventLatency) {
      LatencySummary l = e.summary();
      row(
          md,
          List.of(
              e.target(),
              Integer.toString(e.perRound()),
              String.format(Locale.ROOT, "%,d", e.gapMicros()),
              String.format(Locale.ROOT, "%.1f", l.p50()),
              String.format(Locale.ROOT, "%.1f", l.p90()),
              String.format(Locale.ROOT, "%.1f", l.p99()),
              String.format(Locale.ROOT, "%.1f", l.p999()),
              switches(e.clientSwitchesPerEvent()),
              switches(e.serverSwitchesPerEvent())));
    }
    md.append('\n');
    md.append(
        String.format(
            Locale.ROOT,
            "Each round is asked for by a call that returns at once; the server then waits the gap"
                + " (at least; 0: none) on a thread of its own and sends the round's timed events"
                + " back to back. Every event is one sample (%,d per run, the run with the median"
                + " p50), timed as above. A gap longer than the spin of the client's threads lets"
                + " them park, so that row shows the wake-ups an event pays after idle time."
                + " Switches: voluntary context switches of all threads of the client JVM (the"
                + " benchmark thread's own wait for each event and the call asking for the round"
                + " included) and of the server JVM, per event, from /proc/PID/task/TID/status:"
                + " thread wake-ups, which unlike latency do not depend on the machine's load (the"
                + " JSON report has them by thread).%n%n",
            Math.max(EventScenarios.BURST, config.latencyCalls() / 3)));
  }

  private static String switches(Map<String, Double> perEvent) {
    Double all = perEvent.get("all");
    return all == null ? "-" : String.format(Locale.ROOT, "%.2f", all);
  }

  private static void connect(StringBuilder md, BenchResults results, BenchConfig config) {
    md.append("## Connect time\n\n");
    md.append("| target | what is timed | median (ms) | of which encryption (ms) |\n");
    separator(md, 2, 4);
    for (BenchResults.Connect c : results.connect) {
      row(
          md,
          List.of(
              c.target(),
              c.timed(),
              String.format(Locale.ROOT, "%.2f", c.medianMillis()),
              encryptionCost(results, c.target())));
    }
    md.append('\n');
    md.append(
        String.format(
            Locale.ROOT,
            "Median of %d connects after %d ms of warm-up connects; closing is not timed."
                + " witrpc: a new"
                + " WitClient built, connected and through the handshake (state READY). gRPC: a"
                + " new ManagedChannel with its own one-thread event loop, asked to connect and"
                + " watched until its state is READY (connected, the server's HTTP/2 settings"
                + " received), no call. Java RMI has no connect step: a stub opens TCP connections"
                + " when it needs one and the JVM keeps idle ones for reuse, so this is a new stub"
                + " from its serialized form and a first add call over a pooled connection, not a"
                + " new TCP handshake. Encryption:"
                + " an encrypted or TLS target's time less that of the same target without"
                + " (for TLS: the TLS handshake, with the client's check of the server's"
                + " certificate chain).%n%n",
            config.connectsPerRun() * config.runs(),
            config.warmupMillis()));
  }

  /**
   * An encrypted or TLS target's connect time less that of the same target without: the label
   * without {@code ", encrypted"} or {@code ", TLS"}.
   */
  private static String encryptionCost(BenchResults results, String target) {
    String plain = target.replace(", encrypted", "").replace(", TLS", "");
    if (plain.equals(target)) {
      return "-";
    }
    Optional<Double> encrypted = connectMillis(results, target);
    Optional<Double> unencrypted = connectMillis(results, plain);
    if (encrypted.isEmpty() || unencrypted.isEmpty()) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.2f", encrypted.get() - unencrypted.get());
  }

  private static Optional<Double> connectMillis(BenchResults results, String target) {
    return results.connect.stream()
        .filter(c -> c.target().equals(target))
        .map(BenchResults.Connect::medianMillis)
        .findFirst();
  }

  private static void failures(StringBuilder md, BenchResults results) {
    if (results.failures.isEmpty()) {
      return;
    }
    md.append("\n## Failures (these targets stopped early; their rows are incomplete)\n\n");
    for (BenchResults.Failure failure : results.failures) {
      md.append("- ").append(failure.target()).append(": ").append(failure.message()).append('\n');
    }
  }

  private static void idle(StringBuilder md, BenchResults results) {
    md.append("## Idle cost: CPU of a connected client and its server doing nothing\n\n");
    md.append("| target | window (s) | client CPU % | server CPU % |\n");
    md.append("| --- | ---: | ---: | ---: |\n");
    for (BenchResults.Idle idle : results.idle) {
      row(
          md,
          List.of(
              idle.target(),
              String.format(Locale.ROOT, "%.1f", idle.seconds()),
              String.format(Locale.ROOT, "%.2f", idle.clientCpuPercent()),
              String.format(Locale.ROOT, "%.2f", idle.serverCpuPercent())));
    }
    md.append('\n');
    md.append(
        "Percent of one core, from /proc/PID/stat (utime + stime), after a settling pause of up to"
            + " 1 s; the client is the whole"
            + " benchmark JVM, so its GC and JIT threads count too.\n");
  }

  private static void scale(StringBuilder md, BenchResults results) {
    if (results.scale.isEmpty()) {
      return;
    }
    md.append("\n## Scale: many clients, one server\n\n");
    md.append(
        "| target | clients (processes) | server threads, before / connected | server RSS (MiB)"
            + " | server idle CPU % | connect p50 / p99 (ms) | add p50 / p99 (us) |\n");
    md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (BenchResults.Scale s : results.scale) {
      row(
          md,
          List.of(
              s.target(),
              String.format(Locale.ROOT, "%,d (%d)", s.clients(), s.processes()),
              s.serverThreadsBefore() + " / " + s.serverThreads(),
              String.format(Locale.ROOT, "%.0f", s.serverRssMib()),
              String.format(Locale.ROOT, "%.2f", s.serverIdleCpuPercent()),
              String.format(Locale.ROOT, "%.2f / %.2f", s.connectP50Millis(), s.connectP99Millis()),
              String.format(Locale.ROOT, "%.1f / %.1f", s.callP50Micros(), s.callP99Micros())));
    }
    md.append('\n');
    md.append(
        "The client processes start together and connect their clients one after another (connect"
            + " times across all clients, including the wait while other processes connect); then,"
            + " with every client connected, the server's threads and resident memory (from"
            + " /proc/PID/status), its CPU over the idle window, and `add` calls from one process"
            + " at a time, round robin over its clients (add p50: the median of the processes'"
            + " p50s; p99: the worst process's).\n");
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
