package com.example.calc.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The two example applications in two JVMs, from their executable jars: the host calls the worker
 * through its injected proxy (over HTTP, {@code /sum}), and its {@code /actuator/health} reports
 * the client DOWN while the worker is stopped (SIGSTOP: its connection stands, its ping goes
 * unanswered), DOWN or OUT_OF_SERVICE while the worker is dead, and UP again once it is back.
 */
class HostWorkerIT {
  private static final Duration START = Duration.ofSeconds(90);
  private static final Pattern WORKER_READY = Pattern.compile("witrpc server listening on");
  private static final Pattern HOST_PORT = Pattern.compile("Tomcat started on port (\\d+)");

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void theHostCallsTheWorkerAndItsHealthFollowsTheWorker() throws Exception {
    Path workerJar = Path.of(System.getProperty("example.worker.jar"));
    Path hostJar = Path.of(System.getProperty("example.host.jar"));
    String name = "--calc.name=boot-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();

    BootProcess worker = BootProcess.start("worker", workerJar, name);
    try {
      worker.awaitLine(WORKER_READY, START);
      try (BootProcess host =
          BootProcess.start(
              "host", hostJar, name, "--server.port=0", "--server.address=127.0.0.1")) {
        String base = "http://127.0.0.1:" + host.awaitLine(HOST_PORT, START).group(1);

        assertThat(get(base + "/sum?a=2&b=3")).isEqualTo("5 (worker " + worker.pid() + ")");
        assertThat(clientStatus(base)).isEqualTo("UP");

        // a stopped worker keeps its connection open but answers no ping: DOWN while still READY
        signal("STOP", worker.pid());
        try {
          awaitClientStatus(base, Set.of("DOWN"));
          JsonNode frozen = clientHealth(base);
          assertThat(frozen.path("details").path("state").asText()).isEqualTo("READY");
          assertThat(frozen.path("details").path("ping").asText())
              .isEqualTo("no answer within 1000 ms");
        } finally {
          signal("CONT", worker.pid());
        }
        awaitClientStatus(base, Set.of("UP"));

        worker.kill();
        awaitClientStatus(base, Set.of("DOWN", "OUT_OF_SERVICE"));

        worker = BootProcess.start("worker-again", workerJar, name);
        worker.awaitLine(WORKER_READY, START);
        awaitClientStatus(base, Set.of("UP"));
        assertThat(get(base + "/sum?a=20&b=22")).isEqualTo("42 (worker " + worker.pid() + ")");
      }
    } finally {
      worker.close();
    }
  }

  private String get(String uri) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    return response.body();
  }

  /** The calc client's status in the health report (whose HTTP status is 503 when not UP). */
  private String clientStatus(String base) throws Exception {
    return clientHealth(base).path("status").asText();
  }

  /** The calc client's entry in the health report. */
  private JsonNode clientHealth(String base) throws Exception {
    JsonNode health = json.readTree(get(base + "/actuator/health"));
    return health.path("components").path("witrpcClients").path("components").path("calc");
  }

  /** Sends {@code signal} (STOP, CONT) to {@code pid} with kill(1). */
  private static void signal(String signal, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).as("kill -" + signal).isTrue();
    assertThat(kill.exitValue()).as("kill -" + signal + " " + pid).isZero();
  }

  private void awaitClientStatus(String base, Set<String> wanted) throws Exception {
    long deadline = System.nanoTime() + START.toNanos();
    String status = clientStatus(base);
    while (!wanted.contains(status)) {
      assertThat(System.nanoTime() - deadline)
          .as("client status %s, waiting for %s", status, wanted)
          .isNegative();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      status = clientStatus(base);
    }
  }
}
