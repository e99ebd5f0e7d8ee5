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
import org.witrpc.client.LocalServer;
import org.witrpc.client.LocalServers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code witrpc list}: the servers of this user on this machine, live and stale. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = {
      "List the witrpc servers of this user on this machine (from their announcement files in"
          + " the runtime directory): name, transport, pid, uptime, services, LIVE or STALE.",
      "STALE: the server died without closing (killed, crashed); its file is removed a minute"
          + " later by the next server that starts. UNREADABLE: a file in that directory that is"
          + " not an announcement (the SERVICES column says why)."
    })
final class ListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print a JSON array instead of a table.")
  boolean json;

  @Override
  public Integer call() {
    List<LocalServer> servers = LocalServers.list();
    PrintWriter out = spec.commandLine().getOut();
    Instant now = Instant.now();
    if (json) {
      out.println(toJson(servers, now));
    } else {
      out.print(table(servers, now));
    }
    return ExitCode.OK;
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
