package org.witrpc.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The event scenarios of a witrpc target, from server to client: the rate of a burst, and the
 * one-way latency of single events, one in flight at a time.
 *
 * <p>Thread safety: not thread-safe; used by the benchmark's main thread.
 */
final class EventScenarios {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

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

  private static long timedEvent(BenchService service, CallbackLatencyProbe probe) {
    service.fireTimedEvent();
    return probe.awaitLatencyNanos(TIMEOUT);
  }
}
