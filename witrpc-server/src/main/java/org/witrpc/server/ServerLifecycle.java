package org.witrpc.server;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live connections of one server and whether it takes new ones and new calls: {@link
 * WitServer#stopAccepting()} refuses new connections at HELLO; a graceful close also refuses new
 * calls (503) while the calls in flight finish.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class ServerLifecycle {
  private final Set<ServerConnection> connections = ConcurrentHashMap.newKeySet();
  private volatile boolean accepting = true;
  private volatile boolean draining;

  void add(ServerConnection connection) {
    connections.add(connection);
  }

  void remove(ServerConnection connection) {
    connections.remove(connection);
  }

  List<ServerConnection> connections() {
    return List.copyOf(connections);
  }

  boolean accepting() {
    return accepting && !draining;
  }

  void accepting(boolean accepting) {
    this.accepting = accepting;
  }

  boolean draining() {
    return draining;
  }

  void startDraining() {
    draining = true;
  }

  /** Requests dispatched and not yet answered, over every connection. */
  int inFlight() {
    int n = 0;
    for (ServerConnection c : connections) {
      n += c.inFlight();
    }
    return n;
  }
}
