package org.witrpc.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.witrpc.internal.DiscoveryDatagram;

class HeardServersTest {
  private final MutableClock clock = new MutableClock();
  private final InetAddress source = address("172.30.0.10");

  @Test
  @DisplayName("a HELLO adds a server, a HEARTBEAT keeps it, a GOODBYE removes it")
  void helloHeartbeatGoodbye() {
    HeardServers heard = new HeardServers(8, clock);
    heard.heard(announcement("s1", DiscoveryDatagram.Kind.HELLO, 3_000), source);
    assertThat(heard.list())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.name()).isEqualTo("name-s1");
              assertThat(s.uri()).isEqualTo("tcp://172.30.0.10:7000");
              assertThat(s.services()).containsExactly("com.example.Orders");
              assertThat(s.source()).isEqualTo(source);
              assertThat(s.expiresAt()).isEqualTo(s.lastHeard().plusMillis(3_000));
            });
    clock.advance(Duration.ofMillis(2_500));
    heard.heard(announcement("s1", DiscoveryDatagram.Kind.HEARTBEAT, 3_000), source);
    clock.advance(Duration.ofMillis(2_500)); // 5 s after the HELLO, 2.5 s after the heartbeat
    assertThat(heard.list()).hasSize(1);
    heard.heard(announcement("s1", DiscoveryDatagram.Kind.GOODBYE, 3_000), source);
    assertThat(heard.list()).isEmpty();
  }

  @Test
  @DisplayName("a server not heard within its time-to-live is forgotten")
  void forgetsSilentServers() {
    HeardServers heard = new HeardServers(8, clock);
    heard.heard(announcement("s1", DiscoveryDatagram.Kind.HELLO, 3_000), source);
    clock.advance(Duration.ofMillis(2_999));
    assertThat(heard.list()).hasSize(1);
    clock.advance(Duration.ofMillis(1));
    assertThat(heard.list()).isEmpty();
  }

  @Test
  @DisplayName("a flood from one address holds at most 32 servers and pushes out no one else's")
  void boundedUnderFlood() {
    HeardServers heard = new HeardServers(40, clock);
    heard.heard(announcement("real", DiscoveryDatagram.Kind.HELLO, 16_000), source);
    InetAddress flooder = address("172.30.0.66");
    for (int i = 0; i < 1_000; i++) {
      heard.heard(announcement("fake" + i, DiscoveryDatagram.Kind.HELLO, 600_000), flooder);
    }
    assertThat(heard.list()).hasSize(1 + HeardServers.PER_SOURCE);
    assertThat(heard.list()).extracting(AnnouncedServer::id).contains("real", "fake0");
  }

  @Test
  @DisplayName("when the table is full, the server heard from longest ago goes")
  void fullTableEvictsTheLongestSilent() {
    HeardServers heard = new HeardServers(3, clock);
    for (int i = 0; i < 3; i++) {
      heard.heard(
          announcement("s" + i, DiscoveryDatagram.Kind.HELLO, 16_000), address("10.0.0." + i));
      clock.advance(Duration.ofMillis(10));
    }
    heard.heard(announcement("s0", DiscoveryDatagram.Kind.HEARTBEAT, 16_000), address("10.0.0.0"));
    heard.heard(announcement("new", DiscoveryDatagram.Kind.HELLO, 16_000), address("10.0.0.9"));
    assertThat(heard.list()).extracting(AnnouncedServer::id).containsExactly("s0", "s2", "new");
  }

  @Test
  @DisplayName("another address can neither say GOODBYE for a server nor move it")
  void anIdStaysWithItsSource() {
    HeardServers heard = new HeardServers(8, clock);
    heard.heard(announcement("s1", DiscoveryDatagram.Kind.HELLO, 16_000), source);
    InetAddress other = address("172.30.0.66");
    heard.heard(announcement("s1", DiscoveryDatagram.Kind.GOODBYE, 16_000), other);
    heard.heard(announcement("s1", DiscoveryDatagram.Kind.HEARTBEAT, 16_000), other);
    assertThat(heard.list())
        .singleElement()
        .satisfies(s -> assertThat(s.uri()).isEqualTo("tcp://172.30.0.10:7000"));
  }

  @Test
  @DisplayName("local transports, other schemes and loopback hosts from other machines are ignored")
  void ignoresUrisThatDoNotBelongOnTheNetwork() {
    HeardServers heard = new HeardServers(8, clock);
    List<String> uris =
        List.of(
            "pipe://calc",
            "mmf://calc",
            "http://10.0.0.1:80",
            "tcp://127.0.0.1:7000",
            "tcp://localhost:7000",
            "ws://[::1]:80/x",
            // other spellings of this machine: a resolver reads them as loopback or any-local
            "tcp://LOCALHOST.:7000",
            "tcp://api.localhost:7000",
            "tcp://127.1:7000",
            "tcp://2130706433:7000",
            "tcp://0x7f.0.0.1:7000",
            "tcp://0177.0.0.1:7000",
            "tcp://127.0.0.1.:7000",
            "tcp://[::ffff:127.0.0.1]:7000",
            "tcp://[0:0:0:0:0:0:0:1]:7000");
    for (int i = 0; i < uris.size(); i++) {
      heard.heard(
          new DiscoveryDatagram(
              DiscoveryDatagram.Kind.HELLO, "x" + i, "n", uris.get(i), List.of(), 16_000, false),
          source);
    }
    assertThat(heard.list()).isEmpty();
  }

  @Test
  @DisplayName("this machine's own host name from another machine is ignored; other names are kept")
  void ignoresThisMachinesOwnName() {
    HeardServers heard = new HeardServers(8, clock);
    String own = HeardServers.ownHostName();
    if (java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/sys/kernel/hostname"))) {
      assertThat(own).as("Linux: the kernel's host name").isNotBlank();
    }
    if (own != null) {
      heard.heard(
          hello("own", "tcp://" + own.toUpperCase(java.util.Locale.ROOT) + ":7000"), source);
    }
    heard.heard(hello("other", "tcp://calc.example.com:7000"), source);
    heard.heard(hello("digits", "tcp://1password.example:7000"), source);

    assertThat(heard.list())
        .extracting(AnnouncedServer::id)
        .containsExactlyInAnyOrder("other", "digits");
  }

  @Test
  @DisplayName("the names the hosts file gives loopback and any-local addresses are this machine's")
  void readsTheHostsFilesLocalNames(@TempDir Path dir) throws Exception {
    Path hosts =
        Files.writeString(
            dir.resolve("hosts"),
            String.join(
                "\n",
                "127.0.0.1\tlocalhost localhost4 # comment runsc-not",
                "127.0.1.1 Host.Example.  host",
                "::1 ip6-localhost ip6-loopback",
                "0.0.0.0 blackhole",
                "fe00::0 ip6-localnet",
                "10.1.2.3 other-machine",
                "# 127.0.0.1 commented",
                "127.0.0.1"));

    assertThat(HeardServers.localNames(hosts))
        .containsExactlyInAnyOrder(
            "localhost",
            "localhost4",
            "host.example",
            "host",
            "ip6-localhost",
            "ip6-loopback",
            "blackhole");
    assertThat(HeardServers.localNames(dir.resolve("missing"))).isEmpty();
  }

  private static DiscoveryDatagram hello(String id, String uri) {
    return new DiscoveryDatagram(
        DiscoveryDatagram.Kind.HELLO, id, "n", uri, List.of(), 16_000, false);
  }

  @Test
  @DisplayName("a wildcard host becomes the sender's address; any other URI stays as announced")
  void replacesWildcardHosts() {
    InetAddress v6 = address("fd00::5");
    assertThat(HeardServers.withHost("tcp://0.0.0.0:7000", source))
        .isEqualTo("tcp://172.30.0.10:7000");
    assertThat(HeardServers.withHost("tcp://0:7000", source))
        .as("another spelling of 0.0.0.0")
        .isEqualTo("tcp://172.30.0.10:7000");
    assertThat(HeardServers.withHost("tcp://[0::0]:7000", source))
        .isEqualTo("tcp://172.30.0.10:7000");
    assertThat(HeardServers.withHost("wss://[::]:8443/rpc?x=1", v6))
        .isEqualTo("wss://[fd00:0:0:0:0:0:0:5]:8443/rpc?x=1");
    InetAddress linkLocal = address("fe80::1%1");
    assertThat(HeardServers.withHost("tcp://[::]:7000", linkLocal))
        .as("the scope stays, as java.net.URI reads it")
        .isEqualTo("tcp://[fe80:0:0:0:0:0:0:1%1]:7000");
    assertThat(HeardServers.withHost("tcp://10.1.2.3:7000", source))
        .isEqualTo("tcp://10.1.2.3:7000");
    assertThat(HeardServers.withHost("not a uri", source)).isEqualTo("not a uri");
  }

  @Test
  @DisplayName("await returns a matching server heard later, or null when none comes in time")
  void awaitsAServer() throws Exception {
    HeardServers heard = new HeardServers(8, Clock.systemUTC());
    CompletableFuture<AnnouncedServer> found =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return heard.await(s -> s.id().equals("s2"), 30_000);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    heard.heard(announcement("s1", DiscoveryDatagram.Kind.HELLO, 10_000), source);
    heard.heard(announcement("s2", DiscoveryDatagram.Kind.HELLO, 10_000), source);
    assertThat(found.get(30, TimeUnit.SECONDS).name()).isEqualTo("name-s2");
    assertThat(heard.await(s -> s.id().equals("none"), 50)).isNull();
    heard.close();
    assertThat(heard.await(s -> s.id().equals("none"), 60_000))
        .as("a closed listener's wait ends at once")
        .isNull();
  }

  private static DiscoveryDatagram announcement(String id, DiscoveryDatagram.Kind kind, long ttl) {
    return new DiscoveryDatagram(
        kind, id, "name-" + id, "tcp://0.0.0.0:7000", List.of("com.example.Orders"), ttl, false);
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-11-30T12:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
