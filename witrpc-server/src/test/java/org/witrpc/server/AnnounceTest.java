package org.witrpc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.witrpc.DiscoveryGroup;
import org.witrpc.testkit.TestService;
import org.witrpc.testkit.TestServiceImpl;

/**
 * The server side of network discovery that needs no network: its configuration checks. Real
 * announcements are multicast, and tests send no multicast on this machine's interfaces:
 * DiscoveryContainerIT (witrpc-it) runs them in containers on an internal Docker network.
 */
class AnnounceTest {

  @Test
  @DisplayName(
      "a local server asked to announce itself fails to start, sends nothing, and is closed")
  void localTransportsAreNotAnnounced() {
    WitServer server =
        WitServer.builder()
            .service(TestService.class, new TestServiceImpl())
            .transport("mem://announce-test")
            .announce("local", DiscoveryGroup.defaults())
            .build();
    assertThatThrownBy(server::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("mem://announce-test is local to this machine")
        .hasMessageContaining("only tcp://, ws:// and wss:// servers are announced");
    // closed: the name is free again for a new server
    try (WitServer again =
        WitServer.builder()
            .service(TestService.class, new TestServiceImpl())
            .transport("mem://announce-test")
            .build()
            .start()) {
      assertThat(again.address()).isEqualTo("mem://announce-test");
    }
  }

  @Test
  @DisplayName("the announced name and interval are checked when configured")
  void configurationIsChecked() {
    WitServer.Builder b = WitServer.builder();
    assertThatThrownBy(() -> b.announce(" ", DiscoveryGroup.defaults()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.announce("a\u001b[2J", DiscoveryGroup.defaults()))
        .hasMessageContaining("no control characters");
    assertThatThrownBy(() -> b.announce("x".repeat(256), DiscoveryGroup.defaults()))
        .hasMessageContaining("1 to 255 characters");
    assertThatThrownBy(() -> b.announceInterval(Duration.ofMillis(99)))
        .hasMessageContaining("100 ms to 3 minutes");
    assertThatThrownBy(() -> b.announce("n", null)).isInstanceOf(NullPointerException.class);
  }
}
