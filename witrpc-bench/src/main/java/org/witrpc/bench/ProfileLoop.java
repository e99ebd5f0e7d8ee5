package org.witrpc.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.witrpc.Serializers;
import org.witrpc.client.WitClient;
import org.witrpc.process.ChildProcess;
import org.witrpc.process.JavaCommand;
import org.witrpc.process.WorkerOutput;
import org.witrpc.server.Dispatch;

/**
 * Runs one benchmark scenario in a loop for a profiler ({@code witrpc-bench/profile.sh}): a {@link
 * BenchServer} in its own JVM, as in the benchmark, and this JVM calling it from one thread.
 *
 * <p>Usage: {@code ProfileLoop mmf|pipe|tcp add|echo|event|bulk-json|bulk-msgpack|connect [BYTES]
 * [SECONDS] [encrypted] [tls] [executor] [switches] [threads=N] [--pids FILE]}; BYTES is the bulk
 * payload (default 16 MiB), SECONDS the loop's length (default 10); {@code connect} connects a
 * fresh client and closes it, over and over; {@code threads=N} runs the loop from N threads sharing
 * the one client; {@code tls} (for {@code tcp}) turns TLS on with certificates made for the run
 * ({@link BenchCertificates}) in a temporary directory deleted at exit; {@code executor} makes the
 * server dispatch every request to its executor ({@link Dispatch#EXECUTOR}, default {@link
 * Dispatch#AUTO}). With {@code switches}, the loop runs {@link #WARM_UP} first, uncounted, and then
 * prints, besides the rate, the calls' p50 and p99 and the voluntary and involuntary context
 * switches per call of each JVM ({@link ContextSwitches}), in all and by thread group, and then
 * keeps the client connected without calls for {@link #IDLE} and prints the CPU time the server
 * used meanwhile (from 100 ms after the last call: an idle server should use none). With {@code
 * --pids}, writes {@code client=PID server=PID} to FILE so the profile can tell the two JVMs apart.
 * Prints the rate it reached.
 *
 * <p>Thread safety: a main class; not meant to be shared.
 */
public final class ProfileLoop {
  /** How long {@code switches} runs the loop before it counts. */
  static final Duration WARM_UP = Duration.ofSeconds(2);

  /** How long {@code switches} then measures the idle server's CPU time. */
  static final Duration IDLE = Duration.ofSeconds(5);

  /** Most call latencies one caller thread keeps for the percentiles (the first ones). */
  private static final int MAX_SAMPLES = 1 << 21;

  private ProfileLoop() {}

  /** See the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println(
          "usage: ProfileLoop mmf|pipe|tcp add|echo|event|bulk-json|bulk-msgpack|connect"
              + " [BYTES] [SECONDS] [encrypted] [tls] [executor] [switches] [threads=N]"
              + " [--pids FILE]");
      System.exit(2);
    }
    System.out.println(run(args));
  }

  /** Runs the loop the arguments describe; returns the rate it reached, as one line. */
  static String run(String[] args) throws Exception {
    String transport = args[0];
    String scenario = args[1];
    List<String> rest = List.of(args).subList(2, args.length);
    int pidsAt = rest.indexOf("--pids");
    Path pids = pidsAt >= 0 ? Path.of(rest.get(pidsAt + 1)) : null;
    boolean encryption = rest.contains("encrypted");
    Dispatch dispatch = rest.contains("executor") ? Dispatch.EXECUTOR : Dispatch.AUTO;
    boolean switches = rest.contains("switches");
    List<Integer> numbers =
        rest.stream().filter(a -> a.matches("\\d+")).map(Integer::valueOf).toList();
    int bytes = numbers.size() > 0 ? numbers.get(0) : 16 << 20;
    int seconds = numbers.size() > 1 ? numbers.get(1) : 10;
    int threads =
        rest.stream()
            .filter(a -> a.startsWith("threads="))
            .map(a -> Integer.valueOf(a.substring("threads=".length())))
            .findFirst()
            .orElse(1);
    boolean tcp = transport.equals("tcp");
    BenchCertificates tls = tcp && rest.contains("tls") ? temporaryCertificates() : null;
    String name = "prof" + ProcessHandle.current().pid();
    List<String> serverUris =
        tcp
            ? List.of(Bench.tcpServerUri(tls), Bench.tcpServerUri(tls))
            : List.of(Bench.uri(transport, name + "j"), Bench.uri(transport, name + "m"));
    List<String> serverArgs =
        BenchServer.witrpcArgs(dispatch, serverUris.get(0), serverUris.get(1), encryption);
    try (ChildProcess server =
        ChildProcess.start(
            "profile-server",
            JavaCommand.mainClass(BenchServer.class).jvmOptions("-Xmx1g").args(serverArgs),
            WorkerOutput.log())) {
      String ready = server.awaitLine("READY", Duration.ofSeconds(60)).substring("READY ".length());
      List<String> uris =
          tcp ? Bench.tcpClientUris(BenchServer.witrpcAddresses(ready), tls) : serverUris;
      if (pids != null) {
        writePids(pids, server.pid());
      }
      boolean usesMsgpack = scenario.equals("bulk-msgpack");
      Supplier<WitClient> connect =
          () ->
              WitClient.builder()
                  .transport(uris.get(usesMsgpack ? 1 : 0))
                  .serializer(usesMsgpack ? Serializers.messagePack() : Serializers.json())
                  .encryption(encryption)
                  .build()
                  .connect(Duration.ofSeconds(60));
      Meter meter = switches ? new Meter(server.pid()) : null;
      if (scenario.equals("connect")) {
        return loop(() -> connect.get().close(), scenario, 0, seconds, 1, meter);
      }
      try (WitClient client = connect.get()) {
        return loop(client.service(BenchService.class), scenario, bytes, seconds, threads, meter);
      }
    }
  }

  private static String loop(
      BenchService service, String scenario, int bytes, int seconds, int threads, Meter meter)
      throws InterruptedException {
    byte[] data = new byte[bytes];
    CallbackLatencyProbe probe = new CallbackLatencyProbe();
    if (scenario.equals("event")) {
      service.addBenchListener(probe);
    }
    Runnable call =
        switch (scenario) {
          case "event" ->
              () -> {
                service.fireTimedEvent();
                probe.awaitLatencyNanos(Duration.ofSeconds(10));
              };
          case "add" -> () -> service.add(1, 2);
          case "echo" -> () -> service.echo(CallScenarios.TEXT_64);
          case "bulk-json", "bulk-msgpack" -> () -> service.echoBytes(data);
          default -> throw new IllegalArgumentException("unknown scenario " + scenario);
        };
    return loop(call, scenario, bytes, seconds, threads, meter);
  }

  /**
   * Runs {@code call} in a loop from {@code threads} threads for {@code seconds}; with a {@code
   * meter}, after an uncounted warm-up, and keeping each call's latency.
   */
  private static String loop(
      Runnable call, String scenario, int bytes, int seconds, int threads, Meter meter)
      throws InterruptedException {
    if (meter != null) {
      long warmEnd = System.nanoTime() + WARM_UP.toNanos();
      while (System.nanoTime() < warmEnd) {
        call.run();
      }
      meter.start();
    }
    long start = System.nanoTime();
    long end = start + Duration.ofSeconds(seconds).toNanos();
    LongAdder counter = new LongAdder();
    List<Thread> callers = new ArrayList<>();
    List<long[]> samples = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      long[] latencies = meter != null ? new long[MAX_SAMPLES] : null;
      samples.add(latencies);
      Thread caller =
          new Thread(
              () -> {
                int n = 0;
                while (System.nanoTime() < end) {
                  long before = System.nanoTime();
                  call.run();
                  if (latencies != null && n < MAX_SAMPLES) {
                    latencies[n++] = System.nanoTime() - before;
                  }
                  counter.increment();
                }
              },
              "profile-caller-" + t);
      caller.start();
      callers.add(caller);
    }
    for (Thread caller : callers) {
      caller.join();
    }
    long calls = counter.sum();
    double elapsed = (System.nanoTime() - start) / 1e9;
    String measured = meter == null ? "" : meter.report(calls, samples) + meter.idle();
    if (scenario.startsWith("bulk")) {
      return String.format(
          "%s: %d calls, %.0f MB/s (both directions counted)%s",
          scenario, calls, 2.0 * bytes * calls / elapsed / 1e6, measured);
    }
    return String.format(
        "%s: %d calls from %d threads, %.2f us per call, %.0f calls/s%s",
        scenario, calls, threads, elapsed * 1e6 / calls, calls / elapsed, measured);
  }

  /**
   * The context switches of both JVMs over the counted loop, and its calls' latencies.
   *
   * <p>Thread safety: used by the main thread only.
   */
  private static final class Meter {
    private final long serverPid;
    private final long clientPid = ProcessHandle.current().pid();
    private Map<String, Long> clientVoluntary;
    private Map<String, Long> clientInvoluntary;
    private Map<String, Long> serverVoluntary;
    private Map<String, Long> serverInvoluntary;

    Meter(long serverPid) {
      this.serverPid = serverPid;
    }

    void start() {
      clientVoluntary = ContextSwitches.of(clientPid);
      clientInvoluntary = ContextSwitches.involuntaryOf(clientPid);
      serverVoluntary = ContextSwitches.of(serverPid);
      serverInvoluntary = ContextSwitches.involuntaryOf(serverPid);
    }

    /** The server's CPU time over {@link #IDLE} without calls, from 100 ms after the last. */
    String idle() throws InterruptedException {
      Thread.sleep(100);
      long before = ProcessCpu.nanos(serverPid);
      Thread.sleep(IDLE.toMillis());
      long used = ProcessCpu.nanos(serverPid) - before;
      return String.format(
          "%n  idle server: %d ms CPU in %d s (%.2f%% of a core)",
          used / 1_000_000, IDLE.toSeconds(), 100.0 * used / IDLE.toNanos());
    }

    /** The percentiles and the switches per call since {@link #start}, as more lines. */
    String report(long calls, List<long[]> samples) {
      Map<String, Long> cv = ContextSwitches.of(clientPid);
      Map<String, Long> ci = ContextSwitches.involuntaryOf(clientPid);
      Map<String, Long> sv = ContextSwitches.of(serverPid);
      Map<String, Long> si = ContextSwitches.involuntaryOf(serverPid);
      long[] all =
          samples.stream()
              .flatMapToLong(s -> Arrays.stream(s).filter(n -> n > 0))
              .sorted()
              .toArray();
      String latency =
          all.length == 0
              ? ""
              : String.format(
                  ", p50 %.2f us, p99 %.2f us",
                  all[all.length / 2] / 1e3, all[(int) (all.length * 0.99)] / 1e3);
      return latency
          + "\n  server switches per call: voluntary "
          + ContextSwitches.perEvent(serverVoluntary, sv, calls)
          + ", involuntary "
          + ContextSwitches.perEvent(serverInvoluntary, si, calls)
          + "\n  client switches per call: voluntary "
          + ContextSwitches.perEvent(clientVoluntary, cv, calls)
          + ", involuntary "
          + ContextSwitches.perEvent(clientInvoluntary, ci, calls);
    }
  }

  private static BenchCertificates temporaryCertificates() throws IOException {
    Path directory = Files.createTempDirectory("witrpc-bench-tls-");
    BenchCertificates certificates = BenchCertificates.create(directory);
    for (Path file :
        List.of(directory, certificates.authority(), certificates.chain(), certificates.key())) {
      file.toFile().deleteOnExit(); // the directory first: deleted last
    }
    return certificates;
  }

  private static void writePids(Path file, long serverPid) throws IOException {
    Files.writeString(
        file, "client=" + ProcessHandle.current().pid() + " server=" + serverPid + "\n");
  }
}
