package org.witrpc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.witrpc.DiscoveryGroup;
import org.witrpc.WitTransportException;
import org.witrpc.client.AnnouncedServer;
import org.witrpc.client.LocalServer;
import org.witrpc.client.LocalServers;
import org.witrpc.client.NetworkDiscovery;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code witrpc list}: the servers of this user on this machine, live and stale; with {@code
 * --network}, the servers heard announcing themselves on a discovery group for a while.
 */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = {
      "List the witrpc servers of this user on this machine (from their announcement files in"
          + " the runtime directory): name, transport, pid, uptime, services, LIVE or STALE.",
      "STALE: the server died without closing (killed, crashed); its file is removed a minute"
          + " later by the next server that starts. UNREADABLE: a file in that directory that is"
          + " not an announcement (the SERVICES column says why).",
      "With --network: listen on a discovery group for --wait and list the servers heard"
          + " announcing themselves (name, URI, the address they came from, services). It joins"
          + " the group and sends no datagram of its own; announcements are not authenticated."
    })
final class ListCommand implements Callable<Integer> {
  /** Listens on a discovery group for a while and returns what it heard. */
  @FunctionalInterface
  interface NetworkListener {
    List<AnnouncedServer> listen(DiscoveryGroup group, Duration wait) throws InterruptedException;
  }

  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print a JSON array instead of a table.")
  boolean json;

  @Option(
      names = "--network",
      arity = "0..1",
      paramLabel = "GROUP",
      fallbackValue = DiscoveryGroup.DEFAULT_GROUP + ":" + DiscoveryGroup.DEFAULT_PORT,
      converter = DiscoveryGroupConverter.class,
      description =
          "List the servers announcing themselves on the multicast group GROUP (ADDRESS[:PORT],"
              + " default ${FALLBACK-VALUE}) instead of this machine's.")
  DiscoveryGroup network;

  @Option(
      names = "--wait",
      defaultValue = "2s",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description =
          "With --network: how long to listen, at most "
              + DurationConverter.MAX_TEXT
              + " (default ${DEFAULT-VALUE}).")
  Duration wait;

  @Option(
      names = "--interface",
      paramLabel = "NAME",
      description =
          "With --network: the network interface to listen on (default: every interface that is"
              + " up and supports multicast).")
  String networkInterface;

  private final NetworkListener listener;

  /** Listens with {@link NetworkDiscovery}. */
  ListCommand() {
    this(ListCommand::listen);
  }

  /** Listens with {@code listener} (tests: no multicast on this machine's interfaces). */
  ListCommand(NetworkListener listener) {
    this.listener = listener;
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    if (network == null) {
      Instant now = Instant.now();
      if (networkInterface != null
          || spec.commandLine().getParseResult().hasMatchedOption("--wait")) {
        throw new CliFailure(ExitCode.USAGE, "--wait and --interface go with --network");
      }
      List<LocalServer> servers;
      try {
        servers = LocalServers.list();
      } catch (WitTransportException e) {
        // the runtime directory is unsafe or unreadable: the message says which and what to do
        throw new CliFailure(ExitCode.CANNOT_CONNECT, ExitCode.oneLine(e));
      }
      out.print(json ? toJson(servers, now) + System.lineSeparator() : table(servers, now));
      return ExitCode.OK;
    }
    DiscoveryGroup group =
        networkInterface == null ? network : network.withInterface(networkInterface);
    List<AnnouncedServer> heard;
    try {
      heard = listener.listen(group, wait);
    } catch (WitTransportException e) {
      throw new CliFailure(
          ExitCode.CANNOT_CONNECT,
          ExitCode.oneLine(e) + " (name an interface that supports multicast with --interface)");
    }
    out.print(
        json
            ? NetworkListing.toJson(heard) + System.lineSeparator()
            : NetworkListing.table(heard, Instant.now()));
    return ExitCode.OK;
  }

  /** Listens on {@code group} for {@code wait}: what was heard and not forgotten by then. */
  private static List<AnnouncedServer> listen(DiscoveryGroup group, Duration wait)
      throws InterruptedException {
    try (NetworkDiscovery discovery = NetworkDiscovery.listen(group)) {
      Thread.sleep(wait.toMillis()); // the listening time the user asked for
      return discovery.servers();
    }
  }

  static String table(List<LocalServer> servers, Instant now) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"NAME", "TRANSPORT", "PID", "UPTIME", "STATE", "SERVICES"});
    for (LocalServer s : servers) {
      rows.add(
          new String[] {
            s.name(),
            s.transport().isEmpty() ? "-" : s.transport(),
            s.pid() == 0 ? "-" : Long.toString(s.pid()),
            s.live() ? uptime(Duration.between(s.startedAt(), now)) : "-",
            s.live() ? "LIVE" : s.problem().isEmpty() ? "STALE" : "UNREADABLE",
            s.problem().isEmpty()
                ? s.services().stream().map(Reflection::simpleName).collect(Collectors.joining(","))
                : s.problem()
          });
    }
    return Table.format(rows);
  }

  static String toJson(List<LocalServer> servers, Instant now) {
    ArrayNode array = new ObjectMapper().createArrayNode();
    for (LocalServer s : servers) {
      ObjectNode node = array.addObject();
      node.put("name", s.name());
      node.put("uri", s.uri());
      node.put("transport", s.transport());
      node.put("pid", s.pid());
      node.put("startedAt", s.startedAt().toString());
      node.put("uptimeSeconds", Math.max(0, Duration.between(s.startedAt(), now).toSeconds()));
      s.services().forEach(node.putArray("services")::add);
      node.put("live", s.live());
      if (!s.problem().isEmpty()) {
        node.put("problem", s.problem());
      }
    }
    return array.toString();
  }

  /** {@code 42s}, {@code 5m07s}, {@code 3h12m}, {@code 2d04h}. */
  static String uptime(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return String.format("%dm%02ds", s / 60, s % 60);
    }
    if (s < 86400) {
      return String.format("%dh%02dm", s / 3600, s % 3600 / 60);
    }
    return String.format("%dd%02dh", s / 86400, s % 86400 / 3600);
  }
}
