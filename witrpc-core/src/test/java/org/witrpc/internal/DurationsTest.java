package org.witrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The shared duration syntax of transport options, and what its errors say. */
class DurationsTest {

  @Test
  void readsEachUnitAndZeroWithoutOne() {
    assertThat(Durations.parse("7ns")).isEqualTo(Duration.ofNanos(7));
    assertThat(Durations.parse("20us")).isEqualTo(Duration.ofNanos(20_000));
    assertThat(Durations.parse("20µs")).isEqualTo(Duration.ofNanos(20_000));
    assertThat(Durations.parse(" 2 MS ")).isEqualTo(Duration.ofMillis(2));
    assertThat(Durations.parse("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(Durations.parse("0")).isEqualTo(Duration.ZERO);
    assertThat(Durations.parse("0000000000000000000000010ms")).isEqualTo(Duration.ofMillis(10));
  }

  @Test
  void theLargestDurationIsLongMaxValueNanoseconds() {
    assertThat(Durations.parse(Long.MAX_VALUE + "ns")).isEqualTo(Duration.ofNanos(Long.MAX_VALUE));
    assertThat(Durations.parse(Long.MAX_VALUE / 1_000_000_000L + "s").toNanos()).isPositive();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "10 | duration '10' needs a unit: ns, us, ms or s",
        "1h | duration '1h' has an unknown unit 'h': use ns, us, ms or s",
        "100000d | duration '100000d' has an unknown unit 'd': use ns, us, ms or s",
        "9223372037s | duration '9223372037s' is too large: at most 9223372036854775807ns",
        "999999999999999999us | duration '999999999999999999us' is too large",
        "9223372036854775808ns | duration '9223372036854775808ns' is too large",
        "99999999999999999999999s | duration '99999999999999999999999s' is too large",
        "-1us | malformed duration '-1us'",
        "1.5s | malformed duration '1.5s'",
      })
  void anErrorSaysWhatIsWrong(String text, String message) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void aTimeoutLongerThanForeverIsForeverAndAddsToTheClockWithoutOverflow() {
    Duration beyond = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);
    assertThat(Durations.capped(beyond)).isEqualTo(Durations.FOREVER);
    assertThat(Durations.capped(Duration.ofDays(365L * 1000))).isEqualTo(Durations.FOREVER);
    assertThat(Durations.capped(Durations.FOREVER)).isEqualTo(Durations.FOREVER);
    assertThat(Durations.capped(Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(5));
    assertThat(Durations.capped(Duration.ofSeconds(-1))).isEqualTo(Duration.ofSeconds(-1));
    long now = System.nanoTime();
    long deadline = now + Durations.capped(beyond).toNanos();
    assertThat(deadline - now).as("no overflow").isPositive();
    assertThat(Limits.positive("timeout", beyond)).isEqualTo(Durations.FOREVER);
    assertThat(Limits.sendTimeout(beyond)).isEqualTo(Durations.FOREVER);
  }
}
