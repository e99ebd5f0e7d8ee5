package org.witrpc.client;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.witrpc.server.WitServer;

/**
 * An empty token is a configuration mistake ({@code getenv().getOrDefault("TOKEN", "")}), not a
 * token: a server given one served every client, with a token or without.
 */
@DisplayName("an empty or blank access token is refused where it is set")
class BlankAccessTokenTest {

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"", " ", "\n", "\t \r\n"})
  void byTheServerBuilder(String token) {
    assertThatThrownBy(() -> WitServer.builder().accessToken(token))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("accessToken is empty or blank; to run without a token, do not set one");
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"", " ", "\n"})
  void byTheClientBuilder(String token) {
    assertThatThrownBy(() -> WitClient.builder().accessToken(token))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("accessToken is empty or blank; to run without a token, do not set one");
  }
}
