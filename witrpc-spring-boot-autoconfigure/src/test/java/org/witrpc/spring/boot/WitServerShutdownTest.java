package org.witrpc.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.witrpc.WitTransportException;
import org.witrpc.client.WitClient;
import org.witrpc.testkit.Await;

/** The server stops with the context: refuses new clients, lets the call in flight finish. */
class WitServerShutdownTest {

  @Test
  void theContextsShutdownLetsTheCallInFlightFinish() {
    String uri = TestNames.memUri();
    CalculatorImpl calculator = new CalculatorImpl();
    Runners.witrpc()
        .withBean(CalculatorImpl.class, () -> calculator)
        .withPropertyValues(
            "witrpc.server.uri=" + uri, "spring.lifecycle.timeout-per-shutdown-phase=20s")
        .run(
            context -> {
              WitServerLifecycle lifecycle = context.getBean(WitServerLifecycle.class);
              HealthIndicator health =
                  context.getBean("witrpcServerHealthIndicator", HealthIndicator.class);
              try (WitClient client = WitClient.builder().transport(uri).build()) {
                client.connect(Duration.ofSeconds(5));
                CompletableFuture<String> call =
                    CompletableFuture.supplyAsync(
                        () -> client.service(Calculator.class).slow("finished"));
                assertThat(calculator.entered.await(10, TimeUnit.SECONDS)).isTrue();

                // its own thread: the common pool may have a single thread, busy with the call
                CompletableFuture<Void> closing = new CompletableFuture<>();
                new Thread(
                        () -> {
                          context.close();
                          closing.complete(null);
                        },
                        "context-close")
                    .start();
                Await.until("the server stops accepting", () -> !lifecycle.isAccepting());
                assertThat(health.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
                try (WitClient late = WitClient.builder().transport(uri).build()) {
                  assertThatThrownBy(() -> late.connect(Duration.ofSeconds(5)))
                      .isInstanceOf(WitTransportException.class);
                }
                assertThat(closing).isNotDone();

                calculator.release.countDown();
                assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("finished");
                closing.get(10, TimeUnit.SECONDS);
                assertThat(lifecycle.isRunning()).isFalse();
                assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
              }
            });
  }
}
