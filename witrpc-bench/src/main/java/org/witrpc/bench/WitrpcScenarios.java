package org.witrpc.bench;

import java.time.Duration;
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
  /** What witrpc's connect time includes, for the report. */
  static final String CONNECT_TIMED = "new client, connect + handshake to READY";

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final BenchConfig config;
  private final BenchResults results;
  private final CallScenarios calls;
  private final EventScenarios events;

  WitrpcScenarios(BenchConfig config, BenchResults results) {
    this.config = config;
    this.results = results;
    this.calls = new CallScenarios(config, results);
    this.events = new EventScenarios(config, results);
  }

  /**
   * The scenarios against one server JVM; small calls, throughput, events, idle cost and connect
   * time use JSON.
   *
   * @param encryption whether the server demands encryption (the clients then ask for it)
   * @param everyScenario all scenarios, or only small calls and connect time
   * @param serverPid the server JVM
   * @param idle whether to measure the idle cost
   */
  void run(
      String target,
      String jsonUri,
      String msgpackUri,
      boolean encryption,
      boolean everyScenario,
      long serverPid,
      boolean idle)
      throws Exception {
    try (WitClient json = connect(jsonUri, Serializers.json(), encryption)) {
      BenchService service = json.service(BenchService.class);
      calls.smallCalls(target, service);
      if (everyScenario) {
        calls.throughput(target, service);
        calls.bulk(target, "json", service);
        try (WitClient msgpack = connect(msgpackUri, Serializers.messagePack(), encryption)) {
          calls.bulk(target, "msgpack", msgpack.service(BenchService.class));
        }
        events.burstRate(target, service);
        events.callbackLatency(target, service);
        events.latencyByGap(target, service, serverPid);
      }
      if (idle) {
        results.idle.add(
            IdleCost.measure(target, serverPid, Duration.ofMillis(config.idleMillis())));
      }
    }
    new ConnectTime(config, results)
        .measure(
            target,
            CONNECT_TIMED,
            () -> {
              WitClient client = connect(jsonUri, Serializers.json(), encryption);
              return client::close;
            });
  }

  private static WitClient connect(String uri, Serializer serializer, boolean encryption) {
    WitClient client =
        WitClient.builder().transport(uri).serializer(serializer).encryption(encryption).build();
    try {
      return client.connect(TIMEOUT);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }
}
