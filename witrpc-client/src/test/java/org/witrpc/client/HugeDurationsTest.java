package org.witrpc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.witrpc.internal.Durations;
import org.witrpc.server.WitServer;
import org.witrpc.testkit.Calculator;
import org.witrpc.testkit.TestServiceImpl;

/**
 * Durations longer than any clock ({@code Duration.ofSeconds(Long.MAX_VALUE)}, a common way to say
 * "no limit") are taken as {@link Durations#FOREVER} by every timeout, grace and backoff of the
 * client and the server: nothing overflows into an {@link ArithmeticException} (each of these threw
 * one before), and a server closed with such a grace is closed.
 */
class HugeDurationsTest {
  private static final Duration BEYOND = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);

  private static WitServer start(String name) {
    return WitServer.builder()
        .service(Calculator.class, new TestServiceImpl())
        .transport("mem://" + name)
        .sendTimeout(BEYOND)
        .handshakeTimeout(BEYOND)
        .build()
        .start();
  }

  @Test
  void aClientWithTimeoutsBeyondAnyClockConnectsAndCalls() {
    WitServer server = start("huge-client");
    try (WitClient client =
        WitClient.builder()
            .transport("mem://huge-client")
            .timeout(BEYOND)
            .sendTimeout(BEYOND)
            .autoReconnect(ReconnectPolicy.exponential(Duration.ofMillis(1), BEYOND))
            .retryPolicy(RetryPolicy.exponential(Duration.ofMillis(1), BEYOND))
            .build()) {
      client.connect(BEYOND);
      assertThat(client.service(Calculator.class).add(2, 3)).isEqualTo(5);
    } finally {
      server.close();
    }
  }

  @Test
  void backoffsBeyondAnyClockWaitAtMostForever() {
    ReconnectPolicy reconnect = ReconnectPolicy.exponential(BEYOND, BEYOND).connectTimeout(BEYOND);
    assertThat(reconnect.connectTimeout()).isEqualTo(Durations.FOREVER);
    assertThat(reconnect.delayBefore(1)).isBetween(Duration.ZERO, Durations.FOREVER);
    assertThat(ReconnectPolicy.exponential(Duration.ofMillis(1), BEYOND).delayBefore(200))
        .isBetween(Duration.ZERO, Durations.FOREVER);
    assertThat(RetryPolicy.exponential(Duration.ofMillis(1), BEYOND).delayBefore(200))
        .isBetween(Duration.ZERO, Durations.FOREVER);
  }

  @Test
  void aServerClosedWithAGraceBeyondAnyClockIsClosed() {
    WitServer server = start("huge-close");

    server.close(BEYOND);

    // the name is free again: the first server is gone
    start("huge-close").close();
  }

  @Test
  void anAnnounceIntervalBeyondAnyClockIsRefusedClearly() {
    assertThatThrownBy(() -> WitServer.builder().announceInterval(BEYOND))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("announceInterval must be 100 ms to 3 minutes");
  }
}
