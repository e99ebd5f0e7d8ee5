package org.witrpc.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.witrpc.process.ChildProcess;
import org.witrpc.process.JavaCommand;
import org.witrpc.process.WorkerOutput;
import org.witrpc.server.Dispatch;

/**
 * The benchmark harness: witrpc over {@code mmf://} and {@code pipe://} with AUTO (the default) and
 * EXECUTOR dispatch, and with encryption, and over {@code tcp://} on 127.0.0.1, plain and with TLS
 * (certificates made at start, {@link BenchCertificates}), next to the floors (a raw shared-memory
 * and a raw Unix-socket ping-pong), Java RMI, gRPC-java over a Unix socket and gRPC-java over TCP
 * loopback, plain and with TLS. Every server runs in its own JVM ({@link BenchServer}). Prints
 * Markdown tables and writes them, with a JSON copy and a chart of the latency percentiles, to
 * {@code results/RESULTS-<timestamp>.md}, {@code .json} and {@code .png}.
 *
 * <p>Options: {@code --quick} (a minute and a half; without the EXECUTOR targets and gRPC with
 * TLS), {@code --full} (the default, 5-10 minutes), {@code --smoke} (a few seconds, meaningless
 * numbers), {@code --only TARGET,...} (from {@link #TARGETS}), {@code --out DIR}.
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
          "tcp",
          "tcp-tls",
          "ws",
          "scale-mmf",
          "scale-pipe",
          "raw-shm",
          "raw-uds",
          "rmi",
          "grpc",
          "grpc-tcp",
          "grpc-tcp-tls");

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
  private BenchCertificates certificates;

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
      case "tcp" -> tcp(false);
      case "tcp-tls" -> tcp(true);
      case "ws" -> webSocket();
      case "scale-mmf" -> scale("mmf");
      case "scale-pipe" -> scale("pipe");
      case "grpc" ->
          grpc(GrpcPeer.epollAvailable() ? GrpcPeer.Wire.UNIX_SOCKET : GrpcPeer.Wire.TCP);
      case "grpc-tcp" -> grpc(GrpcPeer.Wire.TCP);
      case "grpc-tcp-tls" -> grpc(GrpcPeer.Wire.TCP_TLS);
      case "raw-shm" -> rawSharedMemory();
      case "raw-uds" -> rawUnixSocket();
      case "rmi" -> rmi();
      default -> throw new IllegalStateException(target);
    }
  }

  /**
   * One witrpc target over {@code mmf://} or {@code pipe://}. The primary ones (AUTO, no
   * encryption) run every scenario and the idle cost; the secondary ones every scenario only if
   * {@link BenchConfig#secondaryScenarios}, in full mode also the idle cost.
   */
  private void witrpc(String transport, Dispatch dispatch, boolean encryption) throws Exception {
    String name = "b" + ProcessHandle.current().pid() + "-" + (++servers);
    List<String> uris = List.of(uri(transport, name + "j"), uri(transport, name + "m"));
    String label = "witrpc " + transport + "://, " + dispatch + (encryption ? ", encrypted" : "");
    witrpc(
        label, dispatch, uris, encryption, dispatch == Dispatch.AUTO && !encryption, ready -> uris);
  }

  /**
   * witrpc over {@code tcp://127.0.0.1} on ephemeral ports, AUTO dispatch: plain is a primary
   * target, TLS a secondary one (as encryption).
   */
  private void tcp(boolean tls) throws Exception {
    BenchCertificates tlsCertificates = tls ? certificates() : null;
    String uri = tcpServerUri(tlsCertificates);
    witrpc(
        "witrpc tcp://, AUTO" + (tls ? ", TLS" : ""),
        Dispatch.AUTO,
        List.of(uri, uri),
        false,
        !tls,
        addresses -> tcpClientUris(addresses, tlsCertificates));
  }

  /**
   * witrpc over {@code ws://127.0.0.1} on ephemeral ports, AUTO dispatch, plain: a primary target
   * (the same Netty as {@code tcp://}, plus the WebSocket framing).
   */
  private void webSocket() throws Exception {
    String uri = "ws://127.0.0.1:0/bench";
    witrpc(
        "witrpc ws://, AUTO",
        Dispatch.AUTO,
        List.of(uri, uri),
        false,
        true,
        addresses -> addresses);
  }

  /**
   * Many clients in several processes against one witrpc server over {@code mmf://} or {@code
   * pipe://} ({@link ScaleScenario}), AUTO dispatch, JSON.
   */
  private void scale(String transport) throws Exception {
    String name = "b" + ProcessHandle.current().pid() + "-" + (++servers);
    // the transport's default ring size (mmf): 1,000 connections of 8 MiB would take 8 GiB
    String uri = transport + "://" + name + "j?maxClients=1100";
    List<String> args =
        BenchServer.witrpcArgs(Dispatch.AUTO, uri, transport + "://" + name + "m", false);
    try (StartedServer server = startServer(List.of(), args)) {
      new ScaleScenario(config, results)
          .run("witrpc " + transport + "://, AUTO", uri, server.jvm().pid());
    }
  }

  /** A witrpc server's {@code tcp://} URI on 127.0.0.1, an ephemeral port, TLS if not null. */
  static String tcpServerUri(BenchCertificates tls) {
    return "tcp://127.0.0.1:0" + (tls != null ? tls.serverQuery() : "");
  }

  /** The client URIs of witrpc servers' {@code tcp://} addresses, trusting {@code tls}' CA. */
  static List<String> tcpClientUris(List<String> addresses, BenchCertificates tls) {
    String query = tls != null ? tls.clientQuery() : "";
    return addresses.stream().map(address -> address + query).toList();
  }

  /**
   * Runs a witrpc server JVM on {@code serverUris} (JSON, MessagePack) and the scenarios against
   * the client URIs {@code clientUris} makes of the servers' addresses.
   */
  private void witrpc(
      String label,
      Dispatch dispatch,
      List<String> serverUris,
      boolean encryption,
      boolean primary,
      UnaryOperator<List<String>> clientUris)
      throws Exception {
    List<String> args =
        BenchServer.witrpcArgs(dispatch, serverUris.get(0), serverUris.get(1), encryption);
    try (StartedServer server = startServer(List.of(), args)) {
      List<String> uris = clientUris.apply(BenchServer.witrpcAddresses(server.ready()));
      boolean idle = primary || config.mode().equals("full");
      new WitrpcScenarios(config, results)
          .run(
              label,
              uris.get(0),
              uris.get(1),
              encryption,
              primary || config.secondaryScenarios(),
              server.jvm().pid(),
              idle);
    }
  }

  /**
   * gRPC-java on {@code wire}. Plain targets run small calls, throughput, bulk, idle cost and
   * connect time; TLS, as witrpc's secondary targets, all of them only if {@link
   * BenchConfig#secondaryScenarios}, else small calls and connect time.
   */
  private void grpc(GrpcPeer.Wire wire) throws Exception {
    if (wire != GrpcPeer.Wire.UNIX_SOCKET && !GrpcPeer.epollAvailable()) {
      System.err.println("[bench] Netty's epoll transport is unavailable: gRPC runs on NIO");
    }
    List<String> args =
        switch (wire) {
          case UNIX_SOCKET -> List.of("grpc", wire.name(), scratch.resolve("grpc.sock").toString());
          case TCP -> List.of("grpc", wire.name());
          case TCP_TLS -> List.of("grpc", wire.name(), certificatesDirectory().toString());
        };
    BenchCertificates trust = wire == GrpcPeer.Wire.TCP_TLS ? certificates() : null;
    boolean everyScenario = wire != GrpcPeer.Wire.TCP_TLS || config.secondaryScenarios();
    try (StartedServer server = startServer(List.of(QUIET_NETTY_BOOTSTRAP), args)) {
      String address = server.ready();
      String label = GrpcPeer.label(wire);
      try (GrpcPeer service = GrpcPeer.connect(address, wire, trust)) {
        CallScenarios calls = new CallScenarios(config, results);
        calls.smallCalls(label, service);
        if (everyScenario) {
          calls.throughput(label, service);
          calls.bulk(label, "raw byte[]", service);
          results.idle.add(
              IdleCost.measure(label, server.jvm().pid(), Duration.ofMillis(config.idleMillis())));
        }
      }
      new ConnectTime(config, results)
          .measure(
              label,
              GrpcPeer.CONNECT_TIMED,
              () -> {
                GrpcPeer peer = GrpcPeer.connectReady(address, wire, trust, READY_TIMEOUT);
                return peer::close;
              });
    }
  }

  private Path certificatesDirectory() {
    return scratch.resolve("tls");
  }

  /** The TLS targets' certificates, made on first use into the scratch directory. */
  private BenchCertificates certificates() throws IOException {
    if (certificates == null) {
      certificates = BenchCertificates.create(Files.createDirectories(certificatesDirectory()));
    }
    return certificates;
  }

  static String uri(String transport, String name) {
    return transport.equals("mmf") ? "mmf://" + name + "?size=8MiB" : "pipe://" + name;
  }

  private void rawSharedMemory() throws Exception {
    Path file = scratch.resolve("pingpong.shm");
    try (ShmPingPong shm = ShmPingPong.map(file)) {
      StartedServer server = startServer(List.of(), List.of("shm", file.toString()));
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
    StartedServer server = startServer(List.of(), List.of("uds", socket.toString()));
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
    try (StartedServer server =
        startServer(List.of("-Djava.rmi.server.hostname=127.0.0.1"), List.of("rmi"))) {
      String stub = server.ready();
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

  /** A server JVM and what its {@code READY} line says after the word {@code READY}. */
  private record StartedServer(ChildProcess jvm, String ready) implements AutoCloseable {
    @Override
    public void close() {
      jvm.close();
    }
  }

  /**
   * Starts a {@link BenchServer} (its output in this JVM's log) and waits for its {@code READY}
   * line.
   */
  private StartedServer startServer(List<String> jvmOptions, List<String> args)
      throws TimeoutException, InterruptedException {
    JavaCommand command =
        JavaCommand.mainClass(BenchServer.class).jvmOptions(SERVER_JVM).jvmOptions(jvmOptions);
    String name = "bench-server-" + args.get(0);
    ChildProcess server;
    try {
      server = ChildProcess.start(name, command.args(args), WorkerOutput.log());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + command, e);
    }
    try {
      String line = server.awaitLine("READY", READY_TIMEOUT);
      return new StartedServer(server, line.substring("READY ".length()));
    } catch (RuntimeException | TimeoutException | InterruptedException e) {
      server.close();
      throw e;
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
