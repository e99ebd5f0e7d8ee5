package org.witrpc.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedactedUriTest {
  @Test
  void keepsPlainUris() {
    assertThat(RedactedUri.of("mmf://calc?size=8MiB")).isEqualTo("mmf://calc?size=8MiB");
    assertThat(RedactedUri.of("pipe:///run/calc.sock")).isEqualTo("pipe:///run/calc.sock");
    assertThat(RedactedUri.of("tcp://[::1]:7000")).isEqualTo("tcp://[::1]:7000");
    assertThat(RedactedUri.of("ws://h:1/a%20b?heartbeat=5s"))
        .isEqualTo("ws://h:1/a%20b?heartbeat=5s");
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

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "tcp://h:1?%74oken=s3cret&heartbeat=5s, tcp://h:1?heartbeat=5s",
    "tcp://h:1?access%54oken=s3cret, tcp://h:1",
    "tcp://h:1?key%50assword=s3cret, tcp://h:1",
    "tcp://h:1?%zz=s3cret&heartbeat=5s, tcp://(unparsable)",
    "mem:calc?token=s3cret&size=1, mem:calc?size=1",
    // user info, whatever the password holds
    "tcp://user:p%2F%40%3F%23s3cret@h:7443/x?heartbeat=5s, tcp://h:7443/x?heartbeat=5s",
    "tcp://user:p@s3cret@h:7443?heartbeat=5s, tcp://h:7443?heartbeat=5s",
    "tcp://user:p/s3cret@h:7443, tcp://(redacted)",
    "tcp://user:p?s3cret@h:7443, tcp://(redacted)",
    "tcp://user:p#s3cret@h:7443, tcp://(redacted)",
    "tcp://user:1234/s3cret@h, tcp://(redacted)",
    "tcp://user:p s3cret@h, tcp://(unparsable)"
  })
  void dropsSecretsFromPercentDecodedOptionNamesAndAnyUserInfo(String uri, String shown) {
    assertThat(RedactedUri.of(uri)).isEqualTo(shown).doesNotContain("s3cret");
  }
}
