package org.witrpc.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactedUriTest {
  @Test
  void keepsPlainUris() {
    assertThat(RedactedUri.of("mmf://calc?size=8MiB")).isEqualTo("mmf://calc?size=8MiB");
    assertThat(RedactedUri.of("pipe:///run/calc.sock")).isEqualTo("pipe:///run/calc.sock");
  }

  @Test
  void dropsSecretOptionsUserInfoAndFragment() {
    assertThat(
            RedactedUri.of(
                "tcp://user:pw@calc.example:7443?trust=ca.pem&key=c.key&accessToken=t"
                    + "&keyPassword=p&heartbeat=5s#frag"))
        .isEqualTo("tcp://calc.example:7443?trust=ca.pem&heartbeat=5s");
    assertThat(RedactedUri.of("ws://h:1/p?token=abc")).isEqualTo("ws://h:1/p");
  }
}
