package org.witrpc.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes {@link BenchResults} as JSON, for tools that compare runs.
 *
 * <p>Thread safety: stateless.
 */
final class JsonReport {
  private JsonReport() {}

  static void write(
      Path file, BenchResults results, BenchConfig config, String machine, String environment) {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("mode", config.mode());
    document.put("machine", machine);
    document.put("environment", environment);
    document.put("config", config);
    document.put("latencyMicros", results.latency);
    document.put("throughput", results.throughput);
    document.put("bulk", results.bulk);
    document.put("events", results.events);
    document.put("callbackLatencyMicros", results.callbackLatency);
    document.put("eventLatencyByGapMicros", results.eventLatency);
    document.put("connect", results.connect);
    document.put("idle", results.idle);
    document.put("scale", results.scale);
    document.put("failures", results.failures);
    try {
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(file.toFile(), document);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
