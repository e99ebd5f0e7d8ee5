package org.witrpc.bench;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How much the benchmark measures: the amounts of work per scenario and which targets run.
 *
 * @param mode a label for the report ({@code quick}, {@code full}, ...)
 * @param runs measured runs per scenario; the median run is reported
 * @param warmupCalls small calls before the first measured run of a target; as many timed events
 *     before the callback latency
 * @param warmupMillis at least this long warm-up per kind of small call and for timed events
 *     (gRPC's longer code path needs more calls than witrpc's before the JIT has compiled it)
 * @param latencyCalls small calls per latency run; as many timed events per callback latency run
 * @param throughputMillis duration of one throughput run
 * @param threadCounts client threads for the throughput runs
 * @param bulkSizes payload sizes of the bulk echo
 * @param bulkBytesPerRun payload bytes per bulk run (at least one call per run)
 * @param eventsPerRun events per burst
 * @param connectsPerRun connects per connect-time run, for witrpc and the peers
 * @param idleMillis the window of the idle-cost measurement
 * @param secondaryScenarios whether the secondary targets (EXECUTOR dispatch, encryption) run every
 *     scenario; if not, only small calls and connect time
 * @param targets the targets to run, by name ({@link Bench#TARGETS}); empty means all
 *     <p>Thread safety: immutable.
 */
public record BenchConfig(
    String mode,
    int runs,
    int warmupCalls,
    int warmupMillis,
    int latencyCalls,
    int throughputMillis,
    List<Integer> threadCounts,
    List<Integer> bulkSizes,
    long bulkBytesPerRun,
    int eventsPerRun,
    int connectsPerRun,
    int idleMillis,
    boolean secondaryScenarios,
    Set<String> targets) {

  private static final List<Integer> THREADS = List.of(1, 2, 4, 8);
  private static final List<Integer> SIZES = List.of(64 << 10, 1 << 20, 16 << 20);
  private static final Set<String> QUICK_TARGETS =
      Set.of(
          "mmf-auto",
          "mmf-auto-enc",
          "pipe-auto",
          "pipe-auto-enc",
          "tcp",
          "tcp-tls",
          "ws",
          "raw-shm",
          "raw-uds",
          "rmi",
          "grpc",
          "grpc-tcp");
  private static final List<Integer> QUICK_SIZES = List.of(64 << 10, 1 << 20);

  /** Validates and copies the collections. */
  public BenchConfig {
    Objects.requireNonNull(mode, "mode == null");
    if (runs < 1
        || latencyCalls < 1
        || throughputMillis < 1
        || eventsPerRun < 1
        || idleMillis < 1) {
      throw new IllegalArgumentException("runs, calls, millis and events must be positive");
    }
    threadCounts = List.copyOf(threadCounts);
    bulkSizes = List.copyOf(bulkSizes);
    targets = Set.copyOf(targets);
  }

  /**
   * About a minute and a half (59 s and 64 s before the TCP targets, on two cores under a load
   * average of 4-5; under a load average of 5-6, {@code tcp} took 26 s, {@code tcp-tls} 19 s and
   * {@code grpc-tcp} 23 s): fewer calls, no 16 MiB echo, no EXECUTOR targets and no gRPC with TLS
   * ({@code --only grpc-tcp-tls} runs it), encrypted and TLS targets with small calls and connect
   * time only.
   */
  public static BenchConfig quick() {
    return new BenchConfig(
        "quick",
        3,
        4_000,
        1_000,
        3_000,
        150,
        THREADS,
        QUICK_SIZES,
        4L << 20,
        5_000,
        5,
        3_000,
        false,
        QUICK_TARGETS);
  }

  /**
   * Every target and scenario, more runs, longer runs: about 10 minutes on two idle cores of this
   * machine on a good day; about 190 s per witrpc target (50 minutes in all) on a day when a thread
   * wake-up costs tens of microseconds, since most scenarios wait for wake-ups.
   */
  public static BenchConfig full() {
    return new BenchConfig(
        "full",
        5,
        30_000,
        3_000,
        30_000,
        1_000,
        THREADS,
        SIZES,
        32L << 20,
        // below a client's default bound of 10,000 undelivered callbacks: a longer burst closes
        // the connection whenever the listener's thread falls behind the server (by design),
        // which a 50,000-event burst did on a slower day on this machine, old code and new alike
        9_000,
        20,
        10_000,
        true,
        Set.of());
  }

  /** A few seconds: proves that the harness works; the numbers mean nothing. */
  public static BenchConfig smoke() {
    return new BenchConfig(
        "smoke",
        1,
        50,
        0,
        100,
        20,
        List.of(1, 2),
        List.of(64 << 10),
        1,
        100,
        2,
        100,
        true,
        Set.of());
  }

  /** A copy that runs only {@code names}. */
  public BenchConfig withTargets(Set<String> names) {
    return new BenchConfig(
        mode,
        runs,
        warmupCalls,
        warmupMillis,
        latencyCalls,
        throughputMillis,
        threadCounts,
        bulkSizes,
        bulkBytesPerRun,
        eventsPerRun,
        connectsPerRun,
        idleMillis,
        secondaryScenarios,
        names);
  }

  /** Whether target {@code name} runs. */
  public boolean runs(String name) {
    return targets.isEmpty() || targets.contains(name);
  }
}
