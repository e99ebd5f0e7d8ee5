package org.witrpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.witrpc.DiscoveryGroup;
import org.witrpc.WitTransportException;
import org.witrpc.client.AnnouncedServer;

/**
 * {@code witrpc list --network}: options and output, with a fake listener in place of {@code
 * NetworkDiscovery}. Tests send and join no multicast on this machine's interfaces; the real
 * listening path is DiscoveryContainerIT's (witrpc-it), which runs in containers on an internal
 * network.
 */
class ListNetworkTest {
  private final List<DiscoveryGroup> groups = new ArrayList<>();
  private final List<Duration> waits = new ArrayList<>();

  private ListCommand.NetworkListener hearing(AnnouncedServer... servers) {
    return (group, wait) -> {
      groups.add(group);
      waits.add(wait);
      return List.of(servers);
    };
  }

  @Test
  void listensOnTheDefaultGroupForTwoSecondsAndPrintsATable() throws Exception {
    AnnouncedServer orders =
        server("orders", "tcp://10.0.0.7:7443", List.of("com.example.Orders"), false);

    Cli.Result r = Cli.runListening(hearing(orders), "list", "--network");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(groups).containsExactly(DiscoveryGroup.defaults());
    assertThat(waits).containsExactly(Duration.ofSeconds(2));
    assertThat(r.out().lines().toList())
        .satisfiesExactly(
            header -> assertThat(header).matches("NAME +URI +SOURCE +HEARD +SERVICES"),
            row ->
                assertThat(row)
                    .matches(
                        "orders  tcp://10\\.0\\.0\\.7:7443  10\\.0\\.0\\.7  \\d+s ago +Orders"));
  }

  @Test
  void takesAGroupAPortAnInterfaceAndAWait() throws Exception {
    Cli.Result r =
        Cli.runListening(
            hearing(),
            "list",
            "--network",
            "239.1.2.3:9000",
            "--wait",
            "500ms",
            "--interface",
            "eth1");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(groups)
        .containsExactly(
            DiscoveryGroup.defaults()
                .withGroup(InetAddress.getByName("239.1.2.3"), 9000)
                .withInterface("eth1"));
    assertThat(waits).containsExactly(Duration.ofMillis(500));
    assertThat(r.out()).isEqualTo("NAME  URI  SOURCE  HEARD  SERVICES" + System.lineSeparator());

    Cli.Result v6 = Cli.runListening(hearing(), "list", "--network", "[ff02::1:7]:7000");
    assertThat(v6.exitCode()).as(v6.toString()).isZero();
    assertThat(groups.get(1))
        .isEqualTo(DiscoveryGroup.defaults().withGroup(InetAddress.getByName("ff02::1:7"), 7000));
  }

  @Test
  void aGroupThatIsNotAMulticastLiteralIsAUsageError() {
    for (String bad : new String[] {"10.0.0.1", "example.com", "239.1.2.3:70000", "239.1.2.3:"}) {
      Cli.Result r = Cli.runListening(hearing(), "list", "--network", bad);
      assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.USAGE);
      assertThat(r.err()).contains("is not a discovery group");
    }
    assertThat(groups).isEmpty(); // nothing listened
    Cli.Result waitAlone = Cli.runListening(hearing(), "list", "--wait", "1s");
    assertThat(waitAlone.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(waitAlone.err()).contains("--wait and --interface go with --network");
  }

  @Test
  void whatServersAnnounceCannotDriveTheTerminalAndJsonHasEveryField() throws Exception {
    AnnouncedServer hostile =
        server("a\u001b[2Jb\u202ec", "tcp://10.0.0.9:1", List.of("x.\u009bY"), true);

    Cli.Result table = Cli.runListening(hearing(hostile), "list", "--network");
    Cli.Result json = Cli.runListening(hearing(hostile), "list", "--network", "--json");

    assertThat(table.out())
        .doesNotContain("\u001b", "\u202e", "\u009b")
        .contains("a\\u001b[2Jb\\u202ec", "\\u009bY,...");
    assertThat(json.out())
        .doesNotContain("\u202e", "\u009b")
        .contains("\"uri\":\"tcp://10.0.0.9:1\"", "\"servicesTruncated\":true")
        .contains("\"id\":\"id-a", "\"source\":\"10.0.0.9\"", "\"expiresAt\":");
  }

  @Test
  void aGroupThatCannotBeJoinedIsOneLineAndCannotConnect() {
    Cli.Result r =
        Cli.runListening(
            (group, wait) -> {
              throw new WitTransportException("cannot listen for announcements on x: no interface");
            },
            "list",
            "--network");

    assertThat(r.exitCode()).isEqualTo(ExitCode.CANNOT_CONNECT);
    assertThat(r.err())
        .isEqualTo(
            "witrpc: cannot listen for announcements on x: no interface (name an interface that"
                + " supports multicast with --interface)"
                + System.lineSeparator());
  }

  private static AnnouncedServer server(
      String name, String uri, List<String> services, boolean truncated) throws Exception {
    Instant heard = Instant.now();
    InetAddress source =
        InetAddress.getByName(uri.substring("tcp://".length(), uri.lastIndexOf(':')));
    return new AnnouncedServer(
        "id-" + name, name, uri, services, truncated, source, heard, heard.plusSeconds(15));
  }
}
