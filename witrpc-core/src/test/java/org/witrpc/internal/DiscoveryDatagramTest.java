package org.witrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.witrpc.DiscoveryGroup;

class DiscoveryDatagramTest {
  private static final DiscoveryDatagram HELLO =
      new DiscoveryDatagram(
          DiscoveryDatagram.Kind.HELLO,
          "a1b2-c3",
          "orders",
          "tcp://0.0.0.0:7000",
          List.of("com.example.Orders", "com.example.Stock"),
          16_000,
          false);

  @Test
  @DisplayName("a datagram is the magic line and JSON, and decodes to the same announcement")
  void roundTrips() {
    byte[] datagram = HELLO.encode();
    assertThat(new String(datagram, StandardCharsets.UTF_8))
        .startsWith("WITRPC-DISCOVERY/1\n{\"kind\":\"hello\",\"id\":\"a1b2-c3\"");
    for (DiscoveryDatagram.Kind kind : DiscoveryDatagram.Kind.values()) {
      DiscoveryDatagram a = HELLO.withKind(kind);
      byte[] bytes = a.encode();
      assertThat(DiscoveryDatagram.decode(bytes, bytes.length)).isEqualTo(a);
    }
  }

  @Test
  @DisplayName("services that do not fit the datagram are left out from the end, and it says so")
  void truncatesServicesToFit() {
    List<String> services = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      services.add("com.example.service" + i + ".".repeat(60) + "Service");
    }
    DiscoveryDatagram big =
        new DiscoveryDatagram(
            DiscoveryDatagram.Kind.HEARTBEAT, "x", "n", "ws://h:1/p", services, 5_000, false);
    byte[] datagram = big.encode();
    assertThat(datagram.length).isLessThanOrEqualTo(DiscoveryDatagram.MAX_DATAGRAM);
    DiscoveryDatagram read = DiscoveryDatagram.decode(datagram, datagram.length);
    assertThat(read.truncated()).isTrue();
    assertThat(read.services()).isNotEmpty().isEqualTo(services.subList(0, read.services().size()));
  }

  @Test
  @DisplayName("the longest name and URI, all three-byte characters, still fit one datagram")
  void longestFieldsFit() {
    DiscoveryDatagram a =
        new DiscoveryDatagram(
            DiscoveryDatagram.Kind.HELLO,
            "i".repeat(64),
            "\u20ac".repeat(255),
            "tcp://h:1/" + "\u20ac".repeat(502),
            List.of("\u20ac".repeat(255)),
            5_000,
            false);
    byte[] datagram = a.encode();
    assertThat(datagram.length).isLessThanOrEqualTo(DiscoveryDatagram.MAX_DATAGRAM);
    assertThat(DiscoveryDatagram.decode(datagram, datagram.length).name()).isEqualTo(a.name());
  }

  @Test
  @DisplayName("anything but a well-formed announcement within its bounds is refused, naming why")
  void refusesHostileDatagrams() {
    assertRefused("GET / HTTP/1.1\r\n\r\n", "not a witrpc discovery datagram");
    assertRefused("WITRPC-DISCOVERY/1\n{", "malformed JSON");
    assertRefused("WITRPC-DISCOVERY/1\n[]", "not a JSON object");
    assertRefused("WITRPC-DISCOVERY/1\n" + "[".repeat(3000), "malformed JSON");
    String ok = new String(HELLO.encode(), StandardCharsets.UTF_8);
    assertRefused(ok.replace("\"hello\"", "\"bye\""), "unknown kind");
    assertRefused(
        ok.replace("\"orders\"", "\"or\\u001b[2Jders\""), "name holds a control character");
    assertRefused(ok.replace("\"a1b2-c3\"", "\"a/b\""), "id must be");
    assertRefused(ok.replace("16000", "99999999"), "ttlMillis 99999999 is not");
    assertRefused(ok.replace("16000", "1.5"), "ttlMillis is not an integer");
    assertRefused(ok.replace("\"services\":[", "\"services\":[1,"), "service is not a string");
    assertRefused(ok.replace(",\"truncated\":false", ""), "truncated is not a boolean");
    byte[] huge = new byte[DiscoveryDatagram.MAX_DATAGRAM + 1];
    assertThatThrownBy(() -> DiscoveryDatagram.decode(huge, huge.length))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too large");
  }

  @Test
  @DisplayName("a discovery group must be multicast, its port and TTL in range")
  void groupValidation() throws Exception {
    DiscoveryGroup d = DiscoveryGroup.defaults();
    assertThat(d.group().getHostAddress()).isEqualTo(DiscoveryGroup.DEFAULT_GROUP);
    assertThat(d.networkInterface()).isEmpty();
    assertThat(d.ttl()).isEqualTo(1);
    assertThat(d.withInterface("eth0").networkInterface()).contains("eth0");
    assertThatThrownBy(() -> d.withGroup(java.net.InetAddress.getByName("10.0.0.1"), 7787))
        .hasMessageContaining("not a multicast address");
    assertThatThrownBy(() -> d.withGroup(d.group(), 0)).hasMessageContaining("port 0");
    assertThatThrownBy(() -> d.withTtl(256)).hasMessageContaining("ttl 256");
    assertThat(d.withGroup(java.net.InetAddress.getByName("ff02::1:7"), 9).group())
        .isInstanceOf(java.net.Inet6Address.class);
  }

  private static void assertRefused(String datagram, String reason) {
    byte[] bytes = datagram.getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> DiscoveryDatagram.decode(bytes, bytes.length))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(reason);
  }
}
