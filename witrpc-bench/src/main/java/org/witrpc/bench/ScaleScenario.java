package org.witrpc.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.witrpc.process.ChildProcess;
import org.witrpc.process.JavaCommand;
import org.witrpc.process.WorkerOutput;

/**
 * Many clients against one server: {@code processes} client JVMs ({@link ScaleClientMain}) connect
 * {@code clientsPerProcess} clients each, all at once; then, with every client connected, the
 * server's threads and resident memory (from {@code /proc}), its CPU while every client is idle,
 * and small calls from one process at a time, round robin over its clients (so the latency is that
 * of a server holding all those connections, not of ten processes spinning on two cores).
 *
 * <p>Thread safety: not thread-safe; one run at a time.
 */
final class ScaleScenario {
  private static final Duration CONNECT_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration CALLS_TIMEOUT = Duration.ofMinutes(2);
  private static final List<String> CLIENT_JVM = List.of("-Xmx256m", "-Xss256k");

  private final BenchConfig config;
  private final BenchResults results;

  ScaleScenario(BenchConfig config, BenchResults results) {
    this.config = config;
    this.results = results;
  }

  /** Processes and clients per process: 10 x 100, or 2 x 5 in smoke mode. */
  int processes() {
    return config.mode().equals("smoke") ? 2 : 10;
  }

  int clientsPerProcess() {
    return config.mode().equals("smoke") ? 5 : 100;
  }

  /** Runs the scenario against the server JVM {@code serverPid} serving {@code uri}. */
  void run(String target, String uri, long serverPid)
      throws TimeoutException, InterruptedException {
    List<ChildProcess> clients = new ArrayList<>();
    try {
      long baseThreads = status(serverPid, "Threads:");
      for (int i = 0; i < processes(); i++) {
        JavaCommand command =
            JavaCommand.mainClass(ScaleClientMain.class)
                .jvmOptions(CLIENT_JVM)
                .args(List.of(uri, Integer.toString(clientsPerProcess())));
        try {
          clients.add(ChildProcess.start("scale-client-" + i, command, WorkerOutput.log()));
        } catch (IOException e) {
          throw new UncheckedIOException("cannot start a scale client", e);
        }
      }
      List<Long> connectMicros = new ArrayList<>();
      for (ChildProcess c : clients) {
        String line = c.awaitLine("CONNECTED ", CONNECT_TIMEOUT);
        Arrays.stream(line.substring("CONNECTED ".length()).trim().split(","))
            .map(Long::parseLong)
            .forEach(connectMicros::add);
      }
      long threads = status(serverPid, "Threads:");
      long rssKib = status(serverPid, "VmRSS:");
      BenchResults.Idle idle =
          IdleCost.measure(target, serverPid, Duration.ofMillis(config.idleMillis()));
      int calls = config.mode().equals("smoke") ? 100 : 5_000;
      List<double[]> latencies = new ArrayList<>();
      for (ChildProcess c : clients) {
        send(c, "CALLS " + calls);
        String[] words = c.awaitLine("CALLED ", CALLS_TIMEOUT).split(" ");
        latencies.add(new double[] {Double.parseDouble(words[1]), Double.parseDouble(words[2])});
      }
      connectMicros.sort(null);
      results.scale.add(
          new BenchResults.Scale(
              target,
              processes(),
              connectMicros.size(),
              baseThreads,
              threads,
              rssKib / 1024.0,
              idle.serverCpuPercent(),
              percentile(connectMicros, 50) / 1000.0,
              percentile(connectMicros, 99) / 1000.0,
              median(latencies.stream().mapToDouble(l -> l[0]).toArray()),
              latencies.stream().mapToDouble(l -> l[1]).max().orElse(0)));
    } finally {
      clients.forEach(ChildProcess::closeInput);
      clients.forEach(ChildProcess::close);
    }
  }

  private static void send(ChildProcess c, String line) {
    try {
      OutputStream in = c.process().getOutputStream();
      in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      in.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to " + c.name(), e);
    }
  }

  /** A number field ({@code Threads:}, {@code VmRSS:} in KiB) of {@code /proc/PID/status}. */
  static long status(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
        }
      }
      return -1;
    } catch (IOException e) {
      return -1; // not Linux: reported as unknown
    }
  }

  private static long percentile(List<Long> sorted, int p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }

  private static double median(double[] values) {
    Arrays.sort(values);
    return values[values.length / 2];
  }
}
