package org.witrpc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.witrpc.server.WitServer;
import org.witrpc.testkit.Calculator;
import org.witrpc.testkit.TestServiceImpl;

/**
 * {@link WitClient#connect(Duration)} refuses a timeout of zero or less as the builder's timeouts
 * do, before it opens anything: it used to open the connection and fail with a misleading "did not
 * answer within PT-1S" (over {@code ws://}, blaming TLS). The refused call leaves the client as it
 * was, so a connect with a proper timeout then works.
 */
class ConnectTimeoutArgumentTest {

  @ParameterizedTest
  @ValueSource(longs = {-1_000, -1, 0})
  void aTimeoutOfZeroOrLessIsRefusedAndTheClientStillConnects(long millis) {
    WitServer server =
        WitServer.builder()
            .service(Calculator.class, new TestServiceImpl())
            .transport("mem://connect-timeout-" + (millis + 1_000))
            .build()
            .start();
    try (WitClient client =
        WitClient.builder().transport("mem://connect-timeout-" + (millis + 1_000)).build()) {
      assertThatThrownBy(() -> client.connect(Duration.ofMillis(millis)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("timeout must be longer than 0");
      assertThat(client.state()).isEqualTo(ConnectionState.DISCONNECTED);

      client.connect(Duration.ofSeconds(5));

      assertThat(client.service(Calculator.class).add(2, 3)).isEqualTo(5);
    } finally {
      server.close();
    }
  }

  @Test
  void aNullTimeoutIsRefused() {
    try (WitClient client = WitClient.builder().transport("mem://connect-timeout-null").build()) {
      assertThatThrownBy(() -> client.connect(null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("timeout == null");
    }
  }
}
