package org.witrpc.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything one benchmark run measured, in the order it was measured.
 *
 * <p>Thread safety: not thread-safe; filled by the benchmark's main thread.
 */
final class BenchResults {
  /** Small-call latency of one operation from one client thread. */
  record Latency(String target, String operation, LatencySummary summary) {}

  /** Calls per second from {@code threads} client threads sharing one connection. */
  record Throughput(String target, int threads, double callsPerSecond) {}

  /** Bulk echo: payload bytes moved per second, both directions counted. */
  record Bulk(String target, String serializer, int bytes, double megabytesPerSecond) {}

  /** Events per second from server to client. */
  record Events(String target, double eventsPerSecond) {}

  /**
   * One-way latency of single events from server to client, one in flight at a time, from the
   * server's clock just before it sends to the client's listener; {@code callsPerSecond} of the
   * summary is the rate of these single events, each fired by a call.
   */
  record CallbackLatency(String target, LatencySummary summary) {}

  /**
   * One-way latency of timed events sent {@code perRound} at a time, back to back, after an idle
   * gap of at least {@code gapMicros} (the client waits for every event of a round before it asks
   * for the next); each event is one sample. {@code clientSwitchesPerEvent} and {@code
   * serverSwitchesPerEvent}: the voluntary context switches (thread wake-ups, {@link
   * ContextSwitches}) per event in the measured runs, by thread group of the client JVM and of the
   * server JVM, with the sum under {@code "all"}; empty where not available.
   */
  record EventLatency(
      String target,
      int perRound,
      long gapMicros,
      LatencySummary summary,
      Map<String, Double> clientSwitchesPerEvent,
      Map<String, Double> serverSwitchesPerEvent) {}

  /**
   * Median time of a fresh connection, ready for calls.
   *
   * @param timed what the time includes, which differs between witrpc and the peers
   */
  record Connect(String target, String timed, double medianMillis) {}

  /** CPU of an idle connected client (this JVM) and its server, in percent of one core. */
  record Idle(String target, double seconds, double clientCpuPercent, double serverCpuPercent) {}

  /**
   * Many clients against one server ({@link ScaleScenario}): the server's threads before and with
   * every client connected, its resident memory and idle CPU then, connect times across all
   * clients, and small-call latency (the median of the processes' p50s, the worst p99).
   */
  record Scale(
      String target,
      int processes,
      int clients,
      long serverThreadsBefore,
      long serverThreads,
      double serverRssMib,
      double serverIdleCpuPercent,
      double connectP50Millis,
      double connectP99Millis,
      double callP50Micros,
      double callP99Micros) {}

  /** A target that failed, with the message of its root cause; its other rows may be missing. */
  record Failure(String target, String message) {}

  final List<Latency> latency = new ArrayList<>();
  final List<Throughput> throughput = new ArrayList<>();
  final List<Bulk> bulk = new ArrayList<>();
  final List<Events> events = new ArrayList<>();
  final List<CallbackLatency> callbackLatency = new ArrayList<>();
  final List<EventLatency> eventLatency = new ArrayList<>();
  final List<Connect> connect = new ArrayList<>();
  final List<Idle> idle = new ArrayList<>();
  final List<Scale> scale = new ArrayList<>();
  final List<Failure> failures = new ArrayList<>();
}
