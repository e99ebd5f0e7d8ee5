package org.witrpc.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.witrpc.ServerPing;
import org.witrpc.Status;
import org.witrpc.WitRemoteException;
import org.witrpc.client.DynamicClient;
import org.witrpc.client.WitClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code witrpc ping URI}: connect and handshake time, then the latency of N small calls. The call
 * is {@link ServerPing#ping()}, which every server answers on its reader with no application code
 * (a server of an older witrpc answers 404, a full round trip too, and counted).
 */
@Command(
    name = "ping",
    mixinStandardHelpOptions = true,
    description = {
      "Measure a server: the time to connect and handshake (after one untimed connect that"
          + " warms up this JVM), then N calls of"
          + " ServerPing.ping() (every server answers it on its reader, with no application code;"
          + " a server of an older witrpc answers 404, which counts as a round trip too) with their"
          + " p50, p90 and p99.",
      "The first calls warm up and are not counted."
    })
final class PingCommand extends RemoteCommand implements Callable<Integer> {
  private static final String SERVICE = ServerPing.class.getName();
  private static final String PING_KEY = "ping()";
  private static final int WARM_UP = 10;

  /** The most timed calls: their times are kept for the percentiles (8 MB). */
  static final int MAX_COUNT = 1_000_000;

  @Option(
      names = {"-n", "--count"},
      paramLabel = "N",
      defaultValue = "100",
      description = "Number of timed calls, at most 1000000 (default: ${DEFAULT-VALUE}).")
  int count;

  @Override
  public Integer call() {
    if (count < 1 || count > MAX_COUNT) {
      throw new CliFailure(
          ExitCode.USAGE, "--count must be from 1 to " + MAX_COUNT + ", not " + count);
    }
    PrintWriter out = out();
    // a first connect loads and warms the client's classes; the second is the one timed
    connect().close();
    long start = System.nanoTime();
    try (WitClient client = connect()) {
      long connected = System.nanoTime() - start;
      out.printf(
          Locale.ROOT, "connected to %s in %s (connect and handshake)%n", uri, ms(connected));
      DynamicClient dynamic = client.dynamic();
      for (int i = 0; i < WARM_UP; i++) {
        ping(dynamic);
      }
      long[] nanos = new long[count];
      for (int i = 0; i < count; i++) {
        long t = System.nanoTime();
        ping(dynamic);
        nanos[i] = System.nanoTime() - t;
      }
      Arrays.sort(nanos);
      out.printf(
          Locale.ROOT,
          "%d calls of ServerPing.ping(): p50 %s, p90 %s, p99 %s, max %s%n",
          count,
          ms(percentile(nanos, 50)),
          ms(percentile(nanos, 90)),
          ms(percentile(nanos, 99)),
          ms(nanos[count - 1]));
      return ExitCode.OK;
    }
  }

  private static void ping(DynamicClient dynamic) {
    try {
      dynamic.call(SERVICE, PING_KEY, null);
    } catch (WitRemoteException e) {
      if (!e.is(Status.NOT_FOUND)) {
        throw e;
      }
    }
  }

  /** The nearest-rank percentile of sorted values. */
  static long percentile(long[] sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
  }
}
