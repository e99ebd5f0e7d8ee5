package org.witrpc.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.HdrHistogram.Histogram;
import org.witrpc.client.WitClient;

/**
 * One of the client processes of the scale scenario ({@link ScaleScenario}), run as a child JVM:
 * connects {@code args[1]} clients to {@code args[0]}, one after another, and prints {@code
 * CONNECTED} with each connect time in microseconds (comma-separated); then for each stdin line
 * {@code CALLS n} makes {@code n} {@code add} calls, round robin over its clients, and prints
 * {@code CALLED p50 p99} in microseconds; closes its clients and exits when stdin ends.
 *
 * <p>Thread safety: a main class; not meant to be shared.
 */
public final class ScaleClientMain {
  private ScaleClientMain() {}

  /**
   * Runs the client side.
   *
   * @param args the server's URI, the number of clients
   */
  public static void main(String[] args) throws IOException {
    int count = Integer.parseInt(args[1]);
    List<WitClient> clients = new ArrayList<>();
    List<BenchService> services = new ArrayList<>();
    StringJoiner connects = new StringJoiner(",");
    try {
      for (int i = 0; i < count; i++) {
        long start = System.nanoTime();
        WitClient client = WitClient.builder().transport(args[0]).build();
        clients.add(client);
        client.connect(Duration.ofSeconds(60));
        connects.add(Long.toString((System.nanoTime() - start) / 1_000));
        services.add(client.service(BenchService.class));
      }
      say("CONNECTED " + connects);
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.startsWith("CALLS ")) {
          say("CALLED " + calls(services, Integer.parseInt(line.substring(6).trim())));
        }
      }
    } finally {
      clients.forEach(WitClient::close);
    }
  }

  /** {@code n} calls round robin over {@code services}: "p50 p99" in microseconds. */
  private static String calls(List<BenchService> services, int n) {
    Histogram latencies = new Histogram(3);
    for (int i = 0; i < n; i++) {
      BenchService s = services.get(i % services.size());
      long start = System.nanoTime();
      s.add(i, 1);
      latencies.recordValue(Math.max(1, (System.nanoTime() - start) / 100)); // 0.1 us units
    }
    return String.format(
        java.util.Locale.ROOT,
        "%.1f %.1f",
        latencies.getValueAtPercentile(50) / 10.0,
        latencies.getValueAtPercentile(99) / 10.0);
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
