package org.witrpc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;
import org.witrpc.WitTransportException;
import org.witrpc.client.ConnectionState;
import org.witrpc.client.ReconnectPolicy;
import org.witrpc.client.WitClient;
import org.witrpc.it.RecorderCallers.Call;

/**
 * Four threads call a server JVM in a loop through one auto-reconnecting client while the server is
 * killed (SIGKILL) and a new server JVM starts on the same address (same name, same tcp port).
 * Every call carries a unique id that the server that runs it records ({@link
 * RecordingServerMain}), so the test knows where each call ran:
 *
 * <ul>
 *   <li>every call that returned ran exactly once, on one of the two servers, and no id ran twice;
 *   <li>a call fails only if its request was on its way when the server died: with exactly {@link
 *       WitTransportException} (not a timeout, not a call that never left), at most once per
 *       thread, and it never runs on the new server;
 *   <li>the calls made after that wait for the new server and succeed on it;
 *   <li>no thread hangs, and the client ends READY.
 * </ul>
 */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"pipe", "mmf", "tcp"})
@DisplayName("calls across a server JVM killed with -9 and restarted on the same address")
class CallsAcrossAServerRestartIT {
  private static final int CALLERS = 4;

  /** Successful calls of each thread before the kill, and again after the new server is ready. */
  private static final int CALLS_PER_PHASE = 100;

  /** Covers a new server JVM's start on a busy 2-core machine: a waiting call must not time out. */
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

  private static final Duration PHASE = Duration.ofSeconds(20);

  /** Longer than a call's timeout: a call that is stuck ends with its own outcome first. */
  private static final Duration CALLERS_END = Duration.ofSeconds(15);

  @RegisterExtension static final CrossProcessHarness HARNESS = new CrossProcessHarness();

  @Parameter String transport;

  @BeforeParameterizedClassInvocation
  static void namePrefix(String transport) {
    HARNESS.newPrefix("ca" + transport.charAt(0));
  }

  @Test
  void everyReturnedCallRanOnceAndOnlyTheCallOnItsWayFailed() throws Exception {
    String name = HARNESS.prefix() + "-1";
    String uri = ServerProcess.uri(transport, name);
    ServerProcess first = start(name + "-server1", uri);
    WitClient client =
        HARNESS.closeAfterTest(
            WitClient.builder()
                .transport(first.uri())
                .timeout(CALL_TIMEOUT)
                .autoReconnect(
                    ReconnectPolicy.exponential(Duration.ofMillis(10), Duration.ofMillis(100)))
                .build());
    client.connect(Duration.ofSeconds(10));
    CallRecorder recorder = client.service(CallRecorder.class);

    RecorderCallers callers = new RecorderCallers(recorder, CALLERS);
    ServerProcess second;
    long killedAt;
    long readyAt;
    List<String> hung;
    try {
      callers.awaitSuccesses(CALLS_PER_PHASE, PHASE, "on the first server");
      killedAt = System.nanoTime();
      first.jvm().kill9();
      second = start(name + "-server2", ServerProcess.successorUri(uri, first));
      readyAt = System.nanoTime();
      callers.awaitSuccesses(CALLS_PER_PHASE, PHASE, "after the restart");
    } finally {
      hung = callers.end(CALLERS_END);
    }
    assertThat(hung).as("callers still in a call %s after being stopped", CALLERS_END).isEmpty();

    Map<String, Integer> ranFirst = ranOn(first);
    Map<String, Integer> ranSecond = ranOn(second);
    long secondRuns = recorder.runs();
    assertThat(ranSecond.values().stream().mapToLong(Integer::longValue).sum())
        .as("the second server's record is complete: its own count of runs")
        .isEqualTo(secondRuns);
    Set<String> twice = new HashSet<>();
    ranFirst.forEach((id, n) -> addIf(n > 1 || ranSecond.containsKey(id), id, twice));
    ranSecond.forEach((id, n) -> addIf(n > 1, id, twice));
    assertThat(twice).as("calls that ran twice").isEmpty();

    Set<String> issued = new HashSet<>();
    int failures = 0;
    int failedAfterRunning = 0;
    int waited = 0;
    long firstOnSecond = Long.MAX_VALUE;
    for (int t = 0; t < CALLERS; t++) {
      List<Call> calls = callers.calls(t);
      List<Call> failed = calls.stream().filter(c -> c.failure() != null).toList();
      assertThat(failed.size())
          .as(
              "failed calls of caller %d: only the one on its way when the server died; the first"
                  + " ones: %s",
              t, failed.stream().limit(3).toList())
          .isLessThanOrEqualTo(1);
      for (Call call : calls) {
        issued.add(call.id());
        if (call.failure() != null) {
          failures++;
          assertThat(call.failure())
              .as("the failure of call %s (a subclass: it never left, it should have waited)", call)
              .isExactlyInstanceOf(WitTransportException.class);
          assertThat(ranSecond).as("a failed call is not repeated").doesNotContainKey(call.id());
          failedAfterRunning += ranFirst.containsKey(call.id()) ? 1 : 0;
          continue;
        }
        assertThat(call.result()).as("the result of %s", call).isEqualTo(call.id());
        assertThat(ranFirst.containsKey(call.id()) || ranSecond.containsKey(call.id()))
            .as("%s returned, so it ran on one of the servers", call)
            .isTrue();
        if (ranSecond.containsKey(call.id())) {
          firstOnSecond = Math.min(firstOnSecond, call.endNanos());
          waited += call.startNanos() - readyAt < 0 ? 1 : 0;
        }
      }
    }
    assertThat(issued)
        .as("the calls that ran were made by the callers")
        .containsAll(ranFirst.keySet());
    assertThat(issued).containsAll(ranSecond.keySet());
    assertThat(client.state()).isEqualTo(ConnectionState.READY);

    System.out.printf(
        "restart over %s: %d calls ran on the first server, %d on the second; %d failed"
            + " (%d of them had run on the first); %d made before the test saw the new server"
            + " READY succeeded on it; READY seen %d ms and first success on it %d ms after"
            + " kill -9%n",
        transport,
        ranFirst.size(),
        ranSecond.size(),
        failures,
        failedAfterRunning,
        waited,
        TimeUnit.NANOSECONDS.toMillis(readyAt - killedAt),
        TimeUnit.NANOSECONDS.toMillis(firstOnSecond - killedAt));
  }

  private static ServerProcess start(String name, String uri) throws IOException, TimeoutException {
    ChildJvm jvm = HARNESS.children().start(name, RecordingServerMain.class, uri);
    String ready = jvm.awaitLine("READY ", ServerProcess.STARTUP);
    return new ServerProcess(jvm, ready.substring("READY ".length()));
  }

  /**
   * The ids {@code server} recorded, with how often each ran. Only whole lines count: a SIGKILL may
   * cut the last one, whose call had not replied yet.
   */
  private static Map<String, Integer> ranOn(ServerProcess server) throws IOException {
    String out = Files.readString(server.jvm().stdoutFile(), StandardCharsets.ISO_8859_1);
    Map<String, Integer> ran = new HashMap<>();
    for (String line : out.substring(0, out.lastIndexOf('\n') + 1).split("\n")) {
      if (line.startsWith(RecordingServerMain.RAN)) {
        ran.merge(line.substring(RecordingServerMain.RAN.length()), 1, Integer::sum);
      }
    }
    return ran;
  }

  private static void addIf(boolean condition, String id, Set<String> set) {
    if (condition) {
      set.add(id);
    }
  }
}
