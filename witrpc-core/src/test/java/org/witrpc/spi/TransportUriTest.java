package org.witrpc.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TransportUriTest {
  private static final List<String> KNOWN =
      List.of(
          TransportUri.MAX_CLIENTS,
          TransportUri.MAX_FRAME_SIZE,
          TransportUri.SEND_TIMEOUT,
          "spin",
          PeerPolicy.URI_OPTION);

  private static TransportUri parse(String uri) {
    return TransportUri.parse(URI.create(uri), "demo", KNOWN);
  }

  @Test
  void readsEveryKindOfValueWithTheSharedSyntax() {
    TransportUri uri =
        parse("demo://calc?maxClients=3&maxFrameSize=64KiB&sendTimeout=500ms&spin=20us");

    assertThat(uri.name()).isEqualTo("calc");
    TransportOptions options = uri.applyTo(TransportOptions.defaults());
    assertThat(options.maxClients()).isEqualTo(3);
    assertThat(options.maxFrameSize()).isEqualTo(64 << 10);
    assertThat(options.sendTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(uri.duration("spin")).contains(Duration.ofNanos(20_000));
    assertThat(uri.option("peerUsers")).isEmpty();
  }

  @Test
  void optionsNotGivenKeepThePassedValues() {
    TransportOptions passed = TransportOptions.defaults().withMaxClients(7);
    assertThat(parse("demo://calc").applyTo(passed)).isSameAs(passed);
    assertThat(parse("demo://calc?").applyTo(passed)).as("a lone ?").isSameAs(passed);
  }

  @Test
  void keysAndValuesArePercentDecodedAndAPlusStaysAPlus() {
    TransportUri uri = parse("demo://calc?peer%55sers=alice%2C1001+x");
    assertThat(uri.option("peerUsers")).contains("alice,1001+x");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "demo://calc?maxClients=2&&spin=0 | an empty option (a stray '&')",
        "demo://calc?maxClients=2& | an empty option (a stray '&')",
        "demo://calc?&maxClients=2 | an empty option (a stray '&')",
        "demo://calc?maxClients= | option 'maxClients=' is not key=value",
        "demo://calc?=2 | option '=2' is not key=value",
        "demo://calc?maxClients | option 'maxClients' is not key=value",
        "demo://calc?maxClients=1&maxClients=2 | option 'maxClients' is given twice",
        "demo://calc?size=1&colour=red | unknown options 'size', 'colour'; known options:"
            + " maxClients, maxFrameSize, sendTimeout, spin, peerUsers",
        "demo://calc?maxClients=two | maxClients must be a whole number, not 'two'",
        "demo://calc?maxClients=0 | maxClients must be at least 1, not 0",
        "demo://calc?maxFrameSize=12XB | maxFrameSize: invalid size '12XB'",
        "demo://calc?maxFrameSize=4GiB | maxFrameSize: size '4GiB' is too large",
        "demo://calc?maxFrameSize=512 | maxFrameSize must be at least 1024 bytes (1 KiB), not 512",
        "demo://calc?sendTimeout=10 | sendTimeout: duration '10' needs a unit",
        "demo://calc?sendTimeout=0 | sendTimeout must be at least 1ms, not 0s",
        "demo://calc?peerUsers=a,,b | peerUsers 'a,,b' has an empty entry",
        "demo://calc#frag | a fragment (#...) has no meaning here",
        "other://calc | not a demo:// URI",
      })
  void refusesWithAMessageNamingTheUriAndTheRule(String uri, String why) {
    assertThatThrownBy(
            () -> {
              TransportUri parsed = parse(uri);
              parsed.applyTo(TransportOptions.defaults());
              parsed.peerPolicy();
            })
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid demo transport URI '" + uri + "': ")
        .hasMessageContaining(why);
  }

  @Test
  void thePeerUsersOptionIsReadByPeerPolicy() {
    assertThat(parse("demo://calc?peerUsers=*").peerPolicy()).contains(PeerPolicy.anyUser());
    assertThatThrownBy(() -> parse("demo://calc?peerUsers=a,,b").peerPolicy())
        .hasMessageStartingWith("invalid demo transport URI");
  }

  @Test
  void aNameIsAnAuthorityWithoutAPath() {
    assertThatThrownBy(() -> parse("demo://calc/x").name())
        .hasMessageContaining("expected demo://NAME");
    assertThatThrownBy(() -> parse("demo:calc").name())
        .hasMessageContaining("expected demo://NAME");
  }
}
