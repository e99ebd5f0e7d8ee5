package org.witrpc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.witrpc.client.AnnouncedServer;

/**
 * How {@code witrpc list --network} prints the servers it heard, as a table or as JSON. Everything
 * here came from the network unauthenticated: it is printed through {@link TerminalSafeWriter}.
 *
 * <p>Thread safety: stateless.
 */
final class NetworkListing {
  private NetworkListing() {}

  /**
   * {@code NAME URI SOURCE HEARD SERVICES}; services cut short by the server end in {@code ,...}.
   */
  static String table(List<AnnouncedServer> servers, Instant now) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"NAME", "URI", "SOURCE", "HEARD", "SERVICES"});
    for (AnnouncedServer s : servers) {
      String services =
          s.services().stream().map(Reflection::simpleName).collect(Collectors.joining(","));
      rows.add(
          new String[] {
            s.name(),
            s.uri(),
            s.source().getHostAddress(),
            ListCommand.uptime(Duration.between(s.lastHeard(), now)) + " ago",
            s.servicesTruncated() ? services + ",..." : services
          });
    }
    return Table.format(rows);
  }

  /** A JSON array, one object per server with every field it announced. */
  static String toJson(List<AnnouncedServer> servers) {
    ArrayNode array = new ObjectMapper().createArrayNode();
    for (AnnouncedServer s : servers) {
      ObjectNode node = array.addObject();
      node.put("name", s.name());
      node.put("uri", s.uri());
      node.put("id", s.id());
      node.put("source", s.source().getHostAddress());
      s.services().forEach(node.putArray("services")::add);
      node.put("servicesTruncated", s.servicesTruncated());
      node.put("lastHeard", s.lastHeard().toString());
      node.put("expiresAt", s.expiresAt().toString());
    }
    return array.toString();
  }
}
