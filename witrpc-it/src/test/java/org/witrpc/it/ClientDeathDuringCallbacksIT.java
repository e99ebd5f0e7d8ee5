package org.witrpc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;
import org.witrpc.client.WitClient;
import org.witrpc.testkit.Await;
import org.witrpc.testkit.TestService;

/**
 * kill -9 of a client JVM while the server streams callbacks to it: the server's burst completes,
 * the surviving client receives every event in order, and the dead client's subscriptions go.
 */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"pipe", "mmf"})
@DisplayName("kill -9 of a client during a callback stream")
class ClientDeathDuringCallbacksIT {
  private static final Duration AWAIT = Duration.ofSeconds(30);
  private static final int EVENTS = 20_000;
  @RegisterExtension static final CrossProcessHarness HARNESS = new CrossProcessHarness();

  @Parameter String transport;

  @BeforeParameterizedClassInvocation
  static void namePrefix(String transport) {
    HARNESS.newPrefix("d" + transport.charAt(0));
  }

  @Test
  void othersAreUnaffected() throws Exception {
    String uri = ServerProcess.uri(transport, HARNESS.prefix() + "-1");
    ServerProcess server =
        ServerProcess.start(HARNESS.children(), HARNESS.prefix() + "-server", uri, "json");
    try (WitClient client =
        WitClient.builder()
            .transport(server.uri())
            .timeout(Duration.ofSeconds(60))
            .build()
            .connect(Duration.ofSeconds(10))) {
      TestService survivor = client.service(TestService.class);
      AtomicInteger received = new AtomicInteger();
      AtomicInteger outOfOrder = new AtomicInteger();
      survivor.addProgressListener(
          (percent, stage) -> {
            if (percent != received.incrementAndGet()) {
              outOfOrder.incrementAndGet();
            }
          });
      ChildJvm subscriber =
          HARNESS
              .children()
              .start(
                  HARNESS.prefix() + "-subscriber",
                  ChildJvms.SHORT_LIVED,
                  SubscriberMain.class,
                  server.uri(),
                  "json",
                  "3");
      subscriber.awaitLine("SUBSCRIBED 3", ServerProcess.STARTUP);

      CompletableFuture<Void> stream =
          CompletableFuture.runAsync(() -> survivor.startProcessing(EVENTS, "s"));
      Await.until("the stream is under way", AWAIT, () -> received.get() >= 100);
      subscriber.kill9();
      stream.get(60, TimeUnit.SECONDS);
      Await.until("every event arrived", AWAIT, () -> received.get() == EVENTS);
      assertThat(outOfOrder).hasValue(0);
      Await.until(
          "the dead client's listeners are gone",
          AWAIT,
          () -> survivor.progressListenerCount() == 1);
      assertThat(survivor.echo("still served")).isEqualTo("still served");
      assertThat(server.jvm().isAlive()).isTrue();
      assertThat(List.of(subscriber.isAlive())).containsExactly(false);
    }
  }
}
