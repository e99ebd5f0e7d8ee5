package org.witrpc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.witrpc.internal.Handshake;
import org.witrpc.server.WitServer;
import org.witrpc.testkit.TestService;
import org.witrpc.testkit.TestServiceImpl;

@DisplayName("the longest access token fits the pre-READY frame limit")
class AccessTokenLimitTest {

  @Test
  void aTokenAboveTheProtocolLimitIsRefusedByTheBuilder() {
    String tooLong = "é".repeat(Handshake.MAX_TOKEN_BYTES / 2) + "x"; // 2 UTF-8 bytes per é
    assertThatThrownBy(() -> WitClient.builder().accessToken(tooLong))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(String.valueOf(Handshake.MAX_TOKEN_BYTES + 1))
        .hasMessageContaining(String.valueOf(Handshake.MAX_TOKEN_BYTES));
  }

  @ParameterizedTest(name = "encryption {0}")
  @ValueSource(booleans = {false, true})
  void aTokenOfTheMaximumLengthAuthenticates(boolean encryption) {
    String token = "t".repeat(Handshake.MAX_TOKEN_BYTES);
    String uri = "mem://tok" + encryption + System.nanoTime() % 100_000;
    try (WitServer server =
            WitServer.builder()
                .service(TestService.class, new TestServiceImpl())
                .transport(uri)
                .encryption(encryption)
                .accessToken(token)
                .build()
                .start();
        WitClient client =
            WitClient.builder()
                .transport(uri)
                .encryption(encryption)
                .accessToken(token)
                .build()
                .connect(Duration.ofSeconds(10))) {
      assertThat(client.service(TestService.class).echo("in")).isEqualTo("in");
      assertThat(server.connectionCount()).isEqualTo(1);
    }
  }
}
