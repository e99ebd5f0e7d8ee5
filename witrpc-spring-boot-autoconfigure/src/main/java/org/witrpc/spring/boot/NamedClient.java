package org.witrpc.spring.boot;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.witrpc.WitSecurityException;
import org.witrpc.WitTransportException;
import org.witrpc.client.ConnectionState;
import org.witrpc.client.WitClient;

/**
 * One configured client: its name, the {@link WitClient}, when it connects, and what its health
 * reports.
 *
 * <p>Thread safety: safe for concurrent use; callers that find a lazy client unconnected at once
 * share one connect attempt.
 */
final class NamedClient {
  /** How much longer than the connect timeout a caller waits for another's connect. */
  private static final long SHARED_MARGIN_MILLIS = 5_000;

  private final String name;
  private final WitClient client;
  private final String shownUri;
  private final boolean lazy;
  private final Duration connectTimeout;
  private final ClientStateTracker tracker;
  private final ConcurrentMap<Class<?>, Object> proxies = new ConcurrentHashMap<>();
  private final Object connecting = new Object();
  private CompletableFuture<Void> attempt; // guarded by connecting; the connect under way, or null

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
      String prefix = WitClientFactory.prefix(name);
      // a refusal of the token or the settings is no matter of order: waiting would not help
      String advice =
          e instanceof WitSecurityException
              ? "; check "
                  + prefix
                  + "access-token, "
                  + prefix
                  + "serializer and "
                  + prefix
                  + "encryption against the server's"
              : "; start the server first, or set " + prefix + "connect=lazy";
      throw new IllegalStateException(
          "witrpc client '"
              + name
              + "' could not connect to "
              + shownUri
              + " within "
              + connectTimeout
              + " ("
              + prefix
              + "uri): "
              + e.getMessage()
              + advice,
          e);
    }
  }

  /**
   * Connects when not connected and not reconnecting by itself (a lazy client's first call).
   * Callers that come while a connect is under way wait for it and share its outcome, so that no
   * caller waits longer than about one connect timeout (not one per caller ahead of it).
   */
  void connectIfNeeded() {
    CompletableFuture<Void> shared;
    boolean mine = false;
    synchronized (connecting) {
      if (attempt == null) {
        ConnectionState state = client.state();
        if (state != ConnectionState.DISCONNECTED && state != ConnectionState.FAILED) {
          return;
        }
        attempt = new CompletableFuture<>();
        mine = true;
      }
      shared = attempt;
    }
    if (mine) {
      connectSharing(shared); // outside the lock: others join the attempt meanwhile
    } else {
      awaitShared(shared);
    }
  }

  private void connectSharing(CompletableFuture<Void> mine) {
    try {
      client.connect(connectTimeout);
      mine.complete(null);
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e); // the others get this outcome too, not a wait for nothing
      throw e;
    } finally {
      synchronized (connecting) {
        attempt = null;
      }
    }
  }

  private void awaitShared(CompletableFuture<Void> shared) {
    try {
      // the attempt ends within its connect timeout; the margin covers a slow close after it
      shared.get(connectTimeout.toMillis() + SHARED_MARGIN_MILLIS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure; // the attempt's own failure, as the caller that made it got it
      }
      throw new WitTransportException("cannot connect to " + shownUri, e.getCause());
    } catch (TimeoutException e) {
      throw new WitTransportException(
          "witrpc client '" + name + "' is still connecting to " + shownUri, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WitTransportException(
          "interrupted while witrpc client '" + name + "' connects to " + shownUri, e);
    }
  }
}
