package org.witrpc.client;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A witrpc server of this user on this machine, as its announcement file describes it (see {@link
 * LocalServers}).
 *
 * @param name what the server is called: the name or socket path of a local transport ({@code calc}
 *     for {@code pipe://calc}), or {@code host:port}
 * @param uri the transport URI clients connect to ({@code pipe://calc}); empty if unreadable
 * @param pid the server's process id; 0 if unknown
 * @param startedAt when the server started; for an unreadable file, when the file was written
 * @param services the fully qualified names of its service interfaces
 * @param live true if its process runs and, for {@code pipe://} and {@code mmf://}, its socket
 *     accepts connections; false for a stale announcement (the server died without closing) or an
 *     unreadable one
 * @param problem why the file could not be read, for example {@code "too large"}; empty if it was
 *     read
 *     <p>Thread safety: immutable.
 */
public record LocalServer(
    String name,
    String uri,
    long pid,
    Instant startedAt,
    List<String> services,
    boolean live,
    String problem) {

  /** Checks and copies the components. */
  public LocalServer {
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(uri, "uri == null");
    Objects.requireNonNull(startedAt, "startedAt == null");
    Objects.requireNonNull(problem, "problem == null");
    services = List.copyOf(services);
  }

  /** The URI's scheme ({@code pipe}, {@code mmf}, {@code tcp}...); empty if unreadable. */
  public String transport() {
    int colon = uri.indexOf(':');
    return colon < 0 ? "" : uri.substring(0, colon);
  }
}
