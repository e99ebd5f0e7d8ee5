package org.witrpc.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.witrpc.server.Dispatch;

/**
 * The benchmark harness: witrpc over {@code mmf://} and {@code pipe://} with AUTO (the default) and
 * EXECUTOR dispatch, next to the floors (a raw shared-memory and a raw Unix-socket ping-pong) and
 * Java RMI. Every server runs in its own JVM ({@link BenchServer}). Prints Markdown tables and
 * writes them, with a JSON copy, to {@code results/RESULTS-<timestamp>.md} and {@code .json}.
 *
 * <p>Options: {@code --quick} (about a minute), {@code --full} (the default), {@code --smoke} (a
 * few seconds, meaningless numbers), {@code --only TARGET,...} (from {@link #TARGETS}), {@code
 * --out DIR}.
 *
 * <p>Thread safety: a main class; not meant to be shared.
 */
public final class Bench {
  /** The targets, in the order they run. */
  public static final List<String> TARGETS =
      List.of(
          "mmf-auto", "mmf-executor", "pipe-auto", "pipe-executor", "raw-shm", "raw-uds", "rmi");

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final List<String> SERVER_JVM = List.of("-Xmx1g");

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
    BenchConfig config = BenchConfig.full();
    Path out =
        Files.isDirectory(Path.of("witrpc-bench"))
            ? Path.of("witrpc-bench", "results")
            : Path.of("results");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> config = BenchConfig.quick().withTargets(config.targets());
        case "--full" -> config = BenchConfig.full().withTargets(config.targets());
        case "--smoke" -> config = BenchConfig.smoke().withTargets(config.targets());
        case "--only" -> config = config.withTargets(Set.of(args[++i].split(",")));
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
    Path report = run(config, out);
    System.out.println("written: " + report + " and " + jsonFileFor(report));
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
      Bench bench = new Bench(config, scratch);
      bench.runAll();
      String environment = environment();
      String markdown = MarkdownReport.render(bench.results, config, environment);
      System.out.println(markdown);
      Files.createDirectories(outDir);
      String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
      Path md = outDir.resolve("RESULTS-" + stamp + ".md");
      Files.writeString(md, markdown);
      JsonReport.write(jsonFileFor(md), bench.results, config, environment);
      return md;
    } finally {
      deleteTree(scratch);
    }
  }

  private static Path jsonFileFor(Path markdown) {
    String name = markdown.getFileName().toString();
    return markdown.resolveSibling(name.substring(0, name.length() - 3) + ".json");
  }

  private void runAll() throws Exception {
    for (String target : TARGETS) {
      if (!config.runs(target)) {
        continue;
      }
      System.err.println("[bench] " + target);
      switch (target) {
        case "mmf-auto" -> witrpc("mmf", Dispatch.AUTO);
        case "mmf-executor" -> witrpc("mmf", Dispatch.EXECUTOR);
        case "pipe-auto" -> witrpc("pipe", Dispatch.AUTO);
        case "pipe-executor" -> witrpc("pipe", Dispatch.EXECUTOR);
        case "raw-shm" -> rawSharedMemory();
        case "raw-uds" -> rawUnixSocket();
        case "rmi" -> rmi();
        default -> throw new IllegalStateException(target);
      }
    }
  }

  private void witrpc(String transport, Dispatch dispatch) throws Exception {
    String name = "b" + ProcessHandle.current().pid() + "-" + (++servers);
    String json = uri(transport, name + "j");
    String msgpack = uri(transport, name + "m");
    ChildJvm server = startServer(List.of(), List.of("witrpc", dispatch.name(), json, msgpack));
    try {
      String label = "witrpc " + transport + "://, " + dispatch;
      new WitrpcScenarios(config, results).run(label, json, msgpack);
    } finally {
      server.close();
    }
  }

  private static String uri(String transport, String name) {
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
    Meters.warmUp(roundTrip, config.warmupCalls());
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
      CallScenarios calls = new CallScenarios(config, results);
      calls.smallCalls("Java RMI (loopback TCP)", service);
      calls.throughput("Java RMI (loopback TCP)", service);
      calls.bulk("Java RMI (loopback TCP)", "java serialization", service);
    }
  }

  /** Starts a {@link BenchServer} and waits for its {@code READY} line (except for RMI's). */
  private ChildJvm startServer(List<String> jvmOptions, List<String> args)
      throws TimeoutException, InterruptedException {
    List<String> options = new java.util.ArrayList<>(SERVER_JVM);
    options.addAll(jvmOptions);
    ChildJvm server =
        ChildJvm.start("bench-server-" + args.get(0), BenchServer.class, options, args);
    if (!args.get(0).equals("rmi")) {
      try {
        server.awaitLine("READY", READY_TIMEOUT);
      } catch (RuntimeException | TimeoutException | InterruptedException e) {
        server.close();
        throw e;
      }
    }
    return server;
  }

  private static String environment() {
    return String.format(
        "%s; Java %s (%s); %s %s; %d CPUs available",
        LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")),
        System.getProperty("java.version"),
        System.getProperty("java.vm.name"),
        System.getProperty("os.name"),
        System.getProperty("os.arch"),
        Runtime.getRuntime().availableProcessors());
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
