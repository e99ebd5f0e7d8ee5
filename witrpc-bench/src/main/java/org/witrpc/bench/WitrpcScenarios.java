package org.witrpc.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.witrpc.Serializers;
import org.witrpc.client.WitClient;
import org.witrpc.spi.Serializer;

/**
 * Runs every scenario against one witrpc server configuration (transport and dispatch), whose
 * server JVM serves {@link BenchService} on two URIs: one per serializer.
 *
 * <p>Thread safety: not thread-safe; used by the benchmark's main thread.
 */
final class WitrpcScenarios {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final BenchConfig config;
  private final BenchResults results;
  private final CallScenarios calls;

  WitrpcScenarios(BenchConfig config, BenchResults results) {
    this.config = config;
    this.results = results;
    this.calls = new CallScenarios(config, results);
  }

  /** All scenarios; small calls, throughput, events and connect time use JSON. */
  void run(String target, String jsonUri, String msgpackUri) throws InterruptedException {
    try (WitClient json = connect(jsonUri, Serializers.json());
        WitClient msgpack = connect(msgpackUri, Serializers.messagePack())) {
      BenchService service = json.service(BenchService.class);
      calls.smallCalls(target, service);
      calls.throughput(target, service);
      calls.bulk(target, "json", service);
      calls.bulk(target, "msgpack", msgpack.service(BenchService.class));
      events(target, service);
    }
    connectTime(target, jsonUri);
  }

  private static WitClient connect(String uri, Serializer serializer) {
    WitClient client = WitClient.builder().transport(uri).serializer(serializer).build();
    try {
      return client.connect(TIMEOUT);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  private void events(String target, BenchService service) throws InterruptedException {
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

  private void connectTime(String target, String uri) {
    List<Double> millis = new ArrayList<>();
    connect(uri, Serializers.json()).close(); // warm-up
    for (int i = 0; i < config.connectsPerRun() * config.runs(); i++) {
      long start = System.nanoTime();
      WitClient client = connect(uri, Serializers.json());
      millis.add((System.nanoTime() - start) / 1e6);
      client.close();
    }
    results.connect.add(
        new BenchResults.Connect(target, Meters.median(millis, Double::doubleValue)));
  }
}
