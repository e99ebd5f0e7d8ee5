package org.witrpc.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The event scenarios of a witrpc target, from server to client: the rate of a burst, and the
 * one-way latency of single events, one in flight at a time.
 *
 * <p>Thread safety: not thread-safe; used by the benchmark's main thread.
 */
final class EventScenarios {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** The idle gaps before the events of {@link #latencyByGap}, in microseconds. */
  static final long[] GAPS_MICROS = {0, 100, 1_000};

  /** Events per round in the bursts of {@link #latencyByGap}. */
  static final int BURST = 16;

  private final BenchConfig config;
  private final BenchResults results;

  EventScenarios(BenchConfig config, BenchResults results) {
    this.config = config;
    this.results = results;
  }

  /** A warm-up burst, then events per second of a burst; the median run. */
  void burstRate(String target, BenchService service) throws InterruptedException {
    EventCounter counter = new EventCounter();
    service.addBenchListener(counter);
    try {
      burst(service, counter); // warm-up
      List<Double> rates = new ArrayList<>();
      for (int r = 0; r < config.runs(); r++) {
        long start = System.nanoTime();
        burst(service, counter);
        rates.add(config.eventsPerRun() / ((System.nanoTime() - start) / 1e9));
      }
      results.events.add(
          new BenchResults.Events(target, Meters.median(rates, Double::doubleValue)));
    } finally {
      service.removeBenchListener(counter);
    }
  }

  private void burst(BenchService service, EventCounter counter) throws InterruptedException {
    counter.expect(config.eventsPerRun());
    service.emit(config.eventsPerRun());
    if (!counter.await(TIMEOUT)) {
      throw new IllegalStateException("not all events arrived within " + TIMEOUT);
    }
  }

  /**
   * Warm-up, then the latency of single timed events from the server's send to the client's
   * listener, as many per run as small calls; the run with the median p50, as for small calls. Each
   * event has arrived before the next one is fired.
   */
  void callbackLatency(String target, BenchService service) {
    CallbackLatencyProbe probe = new CallbackLatencyProbe();
    service.addBenchListener(probe);
    try {
      Meters.warmUp(() -> timedEvent(service, probe), config.warmupCalls(), config.warmupMillis());
      LatencySummary summary =
          Meters.latencies(() -> timedEvent(service, probe), config.latencyCalls(), config.runs());
      results.callbackLatency.add(new BenchResults.CallbackLatency(target, summary));
    } finally {
      service.removeBenchListener(probe);
    }
  }

  /**
   * The latency of timed events by idle gap: for each gap ({@link #GAPS_MICROS}), single events and
   * rounds of {@link #BURST} events back to back, each after the gap, so that the client's threads
   * have gone idle (spun out and parked) before the first event of a round when the gap is longer
   * than their spin; with the context switches of both JVMs per event.
   *
   * @param serverPid the server JVM, for its context switches
   */
  void latencyByGap(String target, BenchService service, long serverPid) {
    CallbackLatencyProbe probe = new CallbackLatencyProbe();
    service.addBenchListener(probe);
    try {
      int events = Math.max(BURST, config.latencyCalls() / 3);
      Meters.warmUp(
          () -> new TimedRounds(service, probe, 1, 0).getAsLong(), config.warmupCalls() / 4, 0);
      for (long gap : GAPS_MICROS) {
        for (int perRound : new int[] {1, BURST}) {
          Map<String, Long> client = ContextSwitches.of(ProcessHandle.current().pid());
          Map<String, Long> server = ContextSwitches.of(serverPid);
          LatencySummary summary =
              Meters.latencies(
                  new TimedRounds(service, probe, perRound, gap * 1_000), events, config.runs());
          long total = (long) events * config.runs();
          results.eventLatency.add(
              new BenchResults.EventLatency(
                  target,
                  perRound,
                  gap,
                  summary,
                  ContextSwitches.perEvent(
                      client, ContextSwitches.of(ProcessHandle.current().pid()), total),
                  ContextSwitches.perEvent(server, ContextSwitches.of(serverPid), total)));
        }
      }
    } finally {
      service.removeBenchListener(probe);
    }
  }

  /** One timed event per call: asks the server for a round when the last one has arrived. */
  private static final class TimedRounds implements LongSupplier {
    private final BenchService service;
    private final CallbackLatencyProbe probe;
    private final int perRound;
    private final long gapNanos;
    private int left;

    TimedRounds(BenchService service, CallbackLatencyProbe probe, int perRound, long gapNanos) {
      this.service = service;
      this.probe = probe;
      this.perRound = perRound;
      this.gapNanos = gapNanos;
    }

    @Override
    public long getAsLong() {
      if (left == 0) {
        service.fireTimedEventsAfter(perRound, gapNanos);
        left = perRound;
      }
      left--;
      return probe.awaitLatencyNanos(TIMEOUT);
    }
  }

  private static long timedEvent(BenchService service, CallbackLatencyProbe probe) {
    service.fireTimedEvent();
    return probe.awaitLatencyNanos(TIMEOUT);
  }
}
