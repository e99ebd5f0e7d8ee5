package org.witrpc.spring.boot;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.witrpc.client.ConnectionState;
import org.witrpc.client.WitClient;

/**
 * One configured client: its name, the {@link WitClient}, when it connects, and what its health
 * reports.
 *
 * <p>Thread safety: safe for concurrent use; connecting is serialized.
 */
final class NamedClient {
  private final String name;
  private final WitClient client;
  private final String shownUri;
  private final boolean lazy;
  private final Duration connectTimeout;
  private final ClientStateTracker tracker;
  private final ConcurrentMap<Class<?>, Object> proxies = new ConcurrentHashMap<>();

  NamedClient(String name, WitClient client, String uri, boolean lazy, Duration connectTimeout) {
    this.name = name;
    this.client = client;
    this.shownUri = RedactedUri.of(uri);
    this.lazy = lazy;
    this.connectTimeout = connectTimeout;
    this.tracker = ClientStateTracker.track(client);
  }

  String name() {
    return name;
  }

  WitClient client() {
    return client;
  }

  String uri() {
    return shownUri;
  }

  boolean lazy() {
    return lazy;
  }

  ClientStateTracker tracker() {
    return tracker;
  }

  /** The proxy to hand out: the client's own, or for a lazy client one that connects first. */
  <T> T service(Class<T> iface) {
    T direct = client.service(iface);
    if (!lazy) {
      return direct;
    }
    return iface.cast(
        proxies.computeIfAbsent(iface, i -> LazyConnectingProxy.create(this, iface, direct)));
  }

  /** Connects at startup (an eager client); a failure fails the startup, naming the client. */
  void connectAtStartup() {
    try {
      client.connect(connectTimeout);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "witrpc client '"
              + name
              + "' could not connect to "
              + shownUri
              + " within "
              + connectTimeout
              + " ("
              + WitClientFactory.prefix(name)
              + "uri): "
              + e.getMessage()
              + "; start the server first, or set "
              + WitClientFactory.prefix(name)
              + "connect=lazy",
          e);
    }
  }

  /** Connects when not connected and not reconnecting by itself (a lazy client's first call). */
  synchronized void connectIfNeeded() {
    ConnectionState state = client.state();
    if (state == ConnectionState.DISCONNECTED || state == ConnectionState.FAILED) {
      client.connect(connectTimeout);
    }
  }
}
