package org.witrpc.client;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A server heard on the network by {@link NetworkDiscovery}: what its last announcement said.
 * Nothing here is authenticated (anyone on the segment can announce anything): connect with TLS and
 * an access token to know whom you talk to.
 *
 * <p>Thread safety: immutable.
 *
 * @param id the server instance's id (a restarted server has a new one)
 * @param name the name it announces
 * @param uri the URI to connect to; a wildcard host it announced ({@code 0.0.0.0}, {@code [::]}) is
 *     replaced with {@code source}
 * @param services the service interfaces' names it announced
 * @param servicesTruncated whether it had more services than fit its announcement
 * @param source the address its announcements come from
 * @param lastHeard when the last announcement arrived
 * @param expiresAt when it is forgotten unless it announces itself again
 */
public record AnnouncedServer(
    String id,
    String name,
    String uri,
    List<String> services,
    boolean servicesTruncated,
    InetAddress source,
    Instant lastHeard,
    Instant expiresAt) {

  /** Checks for nulls and copies the services. */
  public AnnouncedServer {
    Objects.requireNonNull(id, "id == null");
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(uri, "uri == null");
    services = List.copyOf(services);
    Objects.requireNonNull(source, "source == null");
    Objects.requireNonNull(lastHeard, "lastHeard == null");
    Objects.requireNonNull(expiresAt, "expiresAt == null");
  }
}
