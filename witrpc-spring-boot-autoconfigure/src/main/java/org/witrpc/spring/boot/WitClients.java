package org.witrpc.spring.boot;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.witrpc.client.WitClient;

/**
 * The named witrpc clients of {@code witrpc.client.NAME.*}, and the proxies of their services.
 *
 * <pre>{@code
 * @RestController
 * class SumController {
 *   private final Calculator calc;
 *
 *   SumController(WitClients clients) {
 *     this.calc = clients.service("calc", Calculator.class);
 *   }
 * }
 * }</pre>
 *
 * <p>The clients connect while the application starts ({@code connect=eager}, the default) or at
 * their first call ({@code connect=lazy}), and are closed when the application context closes,
 * after the web server has finished its requests.
 *
 * <p>Thread safety: safe for concurrent use, as the proxies are.
 */
public final class WitClients implements AutoCloseable {
  private final Map<String, NamedClient> clients;

  WitClients(Map<String, NamedClient> clients) {
    this.clients = Collections.unmodifiableMap(new LinkedHashMap<>(clients));
  }

  /**
   * Clients built by the application (for a {@code WitClients} bean of its own, which the
   * auto-configuration then leaves alone); they connect at startup, each within {@code
   * connectTimeout}.
   */
  public static WitClients of(Map<String, WitClient> clients, Duration connectTimeout) {
    Objects.requireNonNull(connectTimeout, "connectTimeout == null");
    Map<String, NamedClient> named = new LinkedHashMap<>();
    clients.forEach(
        (name, client) ->
            named.put(
                name, new NamedClient(name, client, client.address(), false, connectTimeout)));
    return new WitClients(named);
  }

  /**
   * The proxy of {@code iface} from the client named {@code name}; the same proxy every time.
   *
   * @throws IllegalArgumentException if no client has that name or {@code iface} is not an
   *     interface
   */
  public <T> T service(String name, Class<T> iface) {
    Objects.requireNonNull(iface, "iface == null");
    return named(name).service(iface);
  }

  /**
   * The client named {@code name}, for its state and state listeners.
   *
   * @throws IllegalArgumentException if no client has that name
   */
  public WitClient client(String name) {
    return named(name).client();
  }

  /** The names of the clients, in the order they were configured. */
  public Set<String> names() {
    return clients.keySet();
  }

  /** Closes every client (pending calls fail). Idempotent. */
  @Override
  public void close() {
    clients.values().forEach(c -> c.client().close());
  }

  Collection<NamedClient> all() {
    return clients.values();
  }

  private NamedClient named(String name) {
    Objects.requireNonNull(name, "name == null");
    NamedClient client = clients.get(name);
    if (client == null) {
      throw new IllegalArgumentException(
          "no witrpc client named '"
              + name
              + "'; configured: "
              + clients.keySet()
              + " (witrpc.client.NAME.uri)");
    }
    return client;
  }
}
