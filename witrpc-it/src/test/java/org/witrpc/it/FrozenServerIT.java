package org.witrpc.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;
import org.witrpc.WitTimeoutException;
import org.witrpc.client.ConnectionState;
import org.witrpc.client.WitClient;
import org.witrpc.testkit.Await;
import org.witrpc.testkit.Signals;
import org.witrpc.testkit.TestService;

/**
 * A frozen (SIGSTOP), not dead, server for 3 seconds: calls time out cleanly after the client's 1 s
 * timeout, the connection survives, and once the server continues (SIGCONT) the next calls succeed;
 * the calls that timed out are not run late (their deadline passed: 504, dropped).
 */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"pipe", "mmf"})
@DisplayName("a server frozen with SIGSTOP")
class FrozenServerIT {
  @RegisterExtension static final CrossProcessHarness HARNESS = new CrossProcessHarness();

  @Parameter String transport;

  @BeforeParameterizedClassInvocation
  static void namePrefix(String transport) {
    HARNESS.newPrefix("f" + transport.charAt(0));
  }

  @Test
  void callsTimeOutCleanlyAndTheClientRecovers() throws Exception {
    String uri = ServerProcess.uri(transport, HARNESS.prefix() + "-1");
    ServerProcess server =
        ServerProcess.start(HARNESS.children(), HARNESS.prefix() + "-server", uri, "json");
    try (WitClient client =
        WitClient.builder()
            .transport(server.uri())
            .timeout(Duration.ofSeconds(1))
            .build()
            .connect(Duration.ofSeconds(10))) {
      TestService service = client.service(TestService.class);
      assertThat(service.echo("warm")).isEqualTo("warm");
      String before = service.getName();

      Signals.stop(server.jvm().pid());
      long frozenAt = System.nanoTime();
      try {
        for (int i = 0; i < 2; i++) {
          long start = System.nanoTime();
          assertThatThrownBy(() -> service.setName("late")).isInstanceOf(WitTimeoutException.class);
          long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
          assertThat(millis).as("ms until the timeout").isBetween(900L, 2_500L);
        }
        assertThat(client.state()).isEqualTo(ConnectionState.READY);
        // freeze for 3 s in all, measured from SIGSTOP
        long thaw = frozenAt + TimeUnit.SECONDS.toNanos(3);
        Await.until("3 s frozen", Duration.ofSeconds(10), () -> System.nanoTime() - thaw >= 0);
      } finally {
        Signals.send("CONT", server.jvm().pid());
      }
      Await.until(
          "calls succeed again",
          Duration.ofSeconds(20),
          () -> {
            try {
              return "thawed".equals(service.echo("thawed"));
            } catch (WitTimeoutException stillCatchingUp) {
              return false;
            }
          });
      assertThat(service.echo("next")).isEqualTo("next");
      assertThat(service.getName()).as("timed-out calls were not run late").isEqualTo(before);
      assertThat(client.state()).isEqualTo(ConnectionState.READY);
    }
  }

  @Test
  void theTimeoutCoversSendingALargeArgumentAndAnAsyncCallReturnsAtOnce() throws Exception {
    String uri = ServerProcess.uri(transport, HARNESS.prefix() + "-2");
    ServerProcess server =
        ServerProcess.start(HARNESS.children(), HARNESS.prefix() + "-server2", uri, "json");
    try (WitClient client =
        WitClient.builder()
            .transport(server.uri())
            .timeout(Duration.ofSeconds(1))
            .build()
            .connect(Duration.ofSeconds(10))) {
      TestService service = client.service(TestService.class);
      assertThat(service.echo("warm")).isEqualTo("warm");
      // far more than a socket buffer or a ring holds: the frozen server takes only part of it
      byte[] large = new byte[32 << 20];
      String largeText = "x".repeat(8 << 20);

      Signals.stop(server.jvm().pid());
      long frozenAt = System.nanoTime();
      try {
        long start = System.nanoTime();
        assertThatThrownBy(() -> service.echoBytes(large)).isInstanceOf(WitTimeoutException.class);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(millis).as("ms until the timeout, sending included").isBetween(900L, 2_500L);

        start = System.nanoTime();
        CompletableFuture<String> async = service.echoAsync(largeText);
        long returnedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(returnedMillis).as("ms until an async call returns its future").isLessThan(900L);
        assertThatThrownBy(() -> async.get(10, TimeUnit.SECONDS))
            .hasCauseInstanceOf(WitTimeoutException.class);
        long failedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(failedMillis).as("ms until the async call failed").isBetween(900L, 2_500L);
        assertThat(client.state()).isEqualTo(ConnectionState.READY);
        long thaw = frozenAt + TimeUnit.SECONDS.toNanos(3);
        Await.until("3 s frozen", Duration.ofSeconds(10), () -> System.nanoTime() - thaw >= 0);
      } finally {
        Signals.send("CONT", server.jvm().pid());
      }
      Await.until(
          "calls succeed again",
          Duration.ofSeconds(20),
          () -> {
            try {
              return "thawed".equals(service.echo("thawed"));
            } catch (WitTimeoutException stillCatchingUp) {
              return false;
            }
          });
      assertThat(client.state()).isEqualTo(ConnectionState.READY);
    }
  }
}
