package org.witrpc.transport.tcp;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.witrpc.Transports;

/**
 * Heartbeat settings that Netty's idle timer cannot hold: the silence window (interval x misses, in
 * nanoseconds) must fit a long. An overflow used to go negative, which Netty reads as "no reader
 * timeout": silent-peer detection was off without a word. Refused when the transport is built, in
 * the builder and the URI form alike, naming the limit.
 */
class TcpHeartbeatSettingsTest {

  private static final String LIMIT = "at most 9223372036854775807ns (292 years)";

  @Test
  void theBuildersRefuseAnIntervalTimesMissesAboveTheLimit() {
    assertThatThrownBy(
            () -> TcpTransport.client("127.0.0.1", 7000).heartbeat(Duration.ofSeconds(10), 1 << 30))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("heartbeat interval x misses")
        .hasMessageContaining(LIMIT);
    assertThatThrownBy(
            () -> TcpTransport.server("127.0.0.1", 0).heartbeat(Duration.ofSeconds(10), 1 << 30))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(LIMIT);
    // an interval that alone overflows nanoseconds (Duration allows far more)
    assertThatThrownBy(
            () -> TcpTransport.server("127.0.0.1", 0).heartbeat(Duration.ofDays(200_000), 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(LIMIT);
  }

  @Test
  void theUriRefusesAnIntervalTimesMissesAboveTheLimit() {
    assertThatThrownBy(
            () ->
                Transports.client("tcp://127.0.0.1:7000?heartbeat=10s&heartbeatMisses=1000000000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid tcp transport URI")
        .hasMessageContaining(LIMIT);
    assertThatThrownBy(
            () -> Transports.server("tcp://127.0.0.1:0?heartbeat=10s&heartbeatMisses=1000000000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(LIMIT);
  }

  @Test
  void theLargestWindowStillBuilds() {
    // 9223372036 s x 1 fits; so does 1 s x Integer.MAX_VALUE
    TcpTransport.client("127.0.0.1", 7000).heartbeat(Duration.ofSeconds(9_223_372_036L), 1).build();
    TcpTransport.client("127.0.0.1", 7000)
        .heartbeat(Duration.ofSeconds(1), Integer.MAX_VALUE)
        .build();
  }
}
