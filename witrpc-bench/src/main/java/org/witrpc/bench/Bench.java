package org.witrpc.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.witrpc.server.Dispatch;

/**
 * The benchmark harness: witrpc over {@code mmf://} and {@code pipe://} with AUTO (the default) and
 * EXECUTOR dispatch, and with encryption, next to the floors (a raw shared-memory and a raw
 * Unix-socket ping-pong), Java RMI and gRPC-java over a Unix socket. Every server runs in its own
 * JVM ({@link BenchServer}). Prints Markdown tables and writes them, with a JSON copy and a chart
 * of the latency percentiles, to {@code results/RESULTS-<timestamp>.md}, {@code .json} and {@code
 * .png}.
 *
 * <p>Options: {@code --quick} (about a minute on an idle machine; without the EXECUTOR targets),
 * {@code --full} (the default, 5-10 minutes), {@code --smoke} (a few seconds, meaningless numbers),
 * {@code --only TARGET,...} (from {@link #TARGETS}), {@code --out DIR}.
 *
 * <p>Thread safety: a main class; not meant to be shared.
 */
public final class Bench {
  /** The targets, in the order they run. */
  public static final List<String> TARGETS =
      List.of(
          "mmf-auto",
          "mmf-executor",
          "mmf-auto-enc",
          "pipe-auto",
          "pipe-executor",
          "pipe-auto-enc",
          "raw-shm",
          "raw-uds",
          "rmi",
          "grpc");

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final List<String> SERVER_JVM = List.of("-Xmx1g");

  /**
   * gRPC asks for SO_KEEPALIVE, which Unix sockets lack: Netty warns on every connection, on both
   * sides, and the connect-time scenario makes many.
   */
  private static final String NETTY_BOOTSTRAP_LOG_LEVEL =
      "org.slf4j.simpleLogger.log.io.netty.bootstrap";

  private static final String QUIET_NETTY_BOOTSTRAP = "-D" + NETTY_BOOTSTRAP_LOG_LEVEL + "=error";

  private final BenchConfig config;
  private final BenchResults results = new BenchResults();
  private final Path scratch;
  private int servers;

  private Bench(BenchConfig config, Path scratch) {
    this.config = config;
    this.scratch = scratch;
  }

  /** Runs the benchmark; see the class comment for the options. */
  public static void main(String[] args) throws Exception {
    if (System.getProperty(NETTY_BOOTSTRAP_LOG_LEVEL) == null) {
      System.setProperty(NETTY_BOOTSTRAP_LOG_LEVEL, "error"); // read when the first logger is made
    }
    BenchConfig config = BenchConfig.full();
    Path out =
        Files.isDirectory(Path.of("witrpc-bench"))
            ? Path.of("witrpc-bench", "results")
            : Path.of("results");
    Set<String> only = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> config = BenchConfig.quick();
        case "--full" -> config = BenchConfig.full();
        case "--smoke" -> config = BenchConfig.smoke();
        case "--only" -> only = Set.of(args[++i].split(","));
        case "--out" -> out = Path.of(args[++i]);
        default -> {
          System.err.println("unknown option " + args[i]);
          System.err.println(
              "usage: Bench [--quick|--full|--smoke] [--only "
                  + String.join(",", TARGETS)
                  + "] [--out DIR]");
          System.exit(2);
        }
      }
    }
    if (only != null) {
      config = config.withTargets(only);
    }
    Path report = run(config, out);
    System.out.println(
        "written: " + report + ", " + siblingFile(report, ".json") + " and " + chartFor(report));
    System.exit(0); // the RMI client leaves non-daemon threads behind
  }

  /**
   * Runs the benchmark with {@code config}, prints the Markdown report and writes it and its JSON
   * copy to {@code outDir}.
   *
   * @return the Markdown file
   */
  public static Path run(BenchConfig config, Path outDir) throws Exception {
    for (String target : config.targets()) {
      if (!TARGETS.contains(target)) {
        throw new IllegalArgumentException("unknown target " + target + "; known: " + TARGETS);
      }
    }
    Path shm = Path.of("/dev/shm");
    Path scratch =
        Files.isDirectory(shm)
            ? Files.createTempDirectory(shm, "wb")
            : Files.createTempDirectory("wb");
    try {
      LocalDateTime started = LocalDateTime.now();
      MachineInfo machine = MachineInfo.current();
      Bench bench = new Bench(config, scratch);
      long start = System.nanoTime();
      bench.runAll();
      String environment =
          String.format(
              Locale.ROOT,
              "%s; took %.0f s; load average at the end %s",
              started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")),
              (System.nanoTime() - start) / 1e9,
              MachineInfo.loadAverageNow());
      Files.createDirectories(outDir);
      String stamp = started.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
      Path md = outDir.resolve("RESULTS-" + stamp + ".md");
      Path png = chartFor(md);
      LatencyChart.write(
          png, bench.results, "witrpc small-call latency percentiles (" + config.mode() + " mode)");
      String markdown =
          MarkdownReport.render(
              bench.results, config, machine, environment, png.getFileName().toString());
      System.out.println(markdown);
      Files.writeString(md, markdown);
      JsonReport.write(
          siblingFile(md, ".json"), bench.results, config, machine.describe(), environment);
      return md;
    } finally {
      deleteTree(scratch);
    }
  }

  /** The chart written next to a Markdown report. */
  static Path chartFor(Path markdown) {
    return siblingFile(markdown, ".png");
  }

  private static Path siblingFile(Path markdown, String extension) {
    String name = markdown.getFileName().toString();
    return markdown.resolveSibling(name.substring(0, name.length() - 3) + extension);
  }

  private void runAll() throws Exception {
    long started = System.nanoTime();
    for (String target : TARGETS) {
      if (!config.runs(target)) {
        continue;
      }
      System.err.printf(
          Locale.ROOT, "[bench] %s (at %.1f s)%n", target, (System.nanoTime() - started) / 1e9);
      try {
        runTarget(target);
      } catch (RuntimeException | TimeoutException e) {
        // a broken target must not cost the others' numbers: report it and go on
        System.err.println("[bench] " + target + " failed:");
        e.printStackTrace();
        results.failures.add(new BenchResults.Failure(target, rootMessage(e)));
      }
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }

  private void runTarget(String target) throws Exception {
    switch (target) {
      case "mmf-auto" -> witrpc("mmf", Dispatch.AUTO, false);
      case "mmf-executor" -> witrpc("mmf", Dispatch.EXECUTOR, false);
      case "mmf-auto-enc" -> witrpc("mmf", Dispatch.AUTO, true);
      case "pipe-auto" -> witrpc("pipe", Dispatch.AUTO, false);
      case "pipe-executor" -> witrpc("pipe", Dispatch.EXECUTOR, false);
      case "pipe-auto-enc" -> witrpc("pipe", Dispatch.AUTO, true);
      case "grpc" -> grpc();
      case "raw-shm" -> rawSharedMemory();
      case "raw-uds" -> rawUnixSocket();
      case "rmi" -> rmi();
      default -> throw new IllegalStateException(target);
    }
  }

  /**
   * One witrpc target. The primary ones (AUTO, no encryption) run every scenario and the idle cost;
   * the secondary ones every scenario only if {@link BenchConfig#secondaryScenarios}, in full mode
   * also the idle cost.
   */
  private void witrpc(String transport, Dispatch dispatch, boolean encryption) throws Exception {
    String name = "b" + ProcessHandle.current().pid() + "-" + (++servers);
    String json = uri(transport, name + "j");
    String msgpack = uri(transport, name + "m");
    List<String> args = BenchServer.witrpcArgs(dispatch, json, msgpack, encryption);
    try (ChildJvm server = startServer(List.of(), args)) {
      String label = "witrpc " + transport + "://, " + dispatch + (encryption ? ", encrypted" : "");
      boolean primary = dispatch == Dispatch.AUTO && !encryption;
      boolean idle = primary || config.mode().equals("full");
      new WitrpcScenarios(config, results)
          .run(
              label,
              json,
              msgpack,
              encryption,
              primary || config.secondaryScenarios(),
              idle ? server.pid() : -1);
    }
  }

  /** gRPC-java over a Unix socket with Netty's epoll transport, else over TCP loopback. */
  private void grpc() throws Exception {
    boolean epoll = GrpcPeer.epollAvailable();
    if (!epoll) {
      System.err.println("[bench] Netty's epoll transport is unavailable: gRPC over TCP loopback");
    }
    List<String> args =
        epoll ? List.of("grpc", scratch.resolve("grpc.sock").toString()) : List.of("grpc");
    try (ChildJvm server = startServer(List.of(QUIET_NETTY_BOOTSTRAP), args)) {
      String address = server.awaitLine("READY", READY_TIMEOUT).substring("READY ".length());
      String label = GrpcPeer.label(epoll);
      try (GrpcPeer service = GrpcPeer.connect(address, epoll)) {
        CallScenarios calls = new CallScenarios(config, results);
        calls.smallCalls(label, service);
        calls.throughput(label, service);
        calls.bulk(label, "raw byte[]", service);
        results.idle.add(
            IdleCost.measure(label, server.pid(), Duration.ofMillis(config.idleMillis())));
      }
      new ConnectTime(config, results)
          .measure(
              label,
              GrpcPeer.CONNECT_TIMED,
              () -> {
                GrpcPeer peer = GrpcPeer.connectReady(address, epoll, READY_TIMEOUT);
                return peer::close;
              });
    }
  }

  static String uri(String transport, String name) {
    return transport.equals("mmf") ? "mmf://" + name + "?size=8MiB" : "pipe://" + name;
  }

  private void rawSharedMemory() throws Exception {
    Path file = scratch.resolve("pingpong.shm");
    try (ShmPingPong shm = ShmPingPong.map(file)) {
      ChildJvm server = startServer(List.of(), List.of("shm", file.toString()));
      try {
        floor("raw shared memory (spin)", shm::roundTrip);
      } finally {
        shm.stopServer();
        server.close();
      }
    }
  }

  private void rawUnixSocket() throws Exception {
    Path socket = scratch.resolve("pp.sock");
    ChildJvm server = startServer(List.of(), List.of("uds", socket.toString()));
    try (SocketPingPong uds = SocketPingPong.connect(socket)) {
      floor("raw Unix socket", uds::roundTrip);
    } finally {
      server.close();
    }
  }

  private void floor(String target, Runnable roundTrip) {
    Meters.warmUp(roundTrip, config.warmupCalls(), config.warmupMillis());
    results.latency.add(
        new BenchResults.Latency(
            target,
            "64-byte ping-pong",
            Meters.latency(roundTrip, config.latencyCalls(), config.runs())));
  }

  private void rmi() throws Exception {
    try (ChildJvm server =
        startServer(List.of("-Djava.rmi.server.hostname=127.0.0.1"), List.of("rmi"))) {
      String stub = server.awaitLine("READY", READY_TIMEOUT).substring("READY ".length());
      BenchService service = RmiPeer.connect(stub);
      String label = "Java RMI (loopback TCP)";
      CallScenarios calls = new CallScenarios(config, results);
      calls.smallCalls(label, service);
      calls.throughput(label, service);
      calls.bulk(label, "java serialization", service);
      new ConnectTime(config, results)
          .measure(
              label,
              RmiPeer.CONNECT_TIMED,
              () -> {
                RmiPeer.connect(stub).add(1, 2);
                return () -> {}; // a stub has nothing to close
              });
    }
  }

  /**
   * Starts a {@link BenchServer} and waits for its {@code READY} line (except for RMI's and gRPC's,
   * whose line carries what the caller needs).
   */
  private ChildJvm startServer(List<String> jvmOptions, List<String> args)
      throws TimeoutException, InterruptedException {
    List<String> options = new java.util.ArrayList<>(SERVER_JVM);
    options.addAll(jvmOptions);
    ChildJvm server =
        ChildJvm.start("bench-server-" + args.get(0), BenchServer.class, options, args);
    if (!List.of("rmi", "grpc").contains(args.get(0))) {
      try {
        server.awaitLine("READY", READY_TIMEOUT);
      } catch (RuntimeException | TimeoutException | InterruptedException e) {
        server.close();
        throw e;
      }
    }
    return server;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
