package org.witrpc;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link ServerReflection#describe()} tells about a server.
 *
 * <p>Thread safety: immutable.
 *
 * @param protocolVersion the witrpc wire protocol version the server speaks
 * @param serializer the name of the server's serializer, as compared in the handshake ({@code json}
 *     or {@code msgpack} for the built-in ones)
 * @param transportScheme the scheme of the server's transport, for example {@code mem} or {@code
 *     pipe}
 * @param transportOptions the server's non-secret transport settings by name (for example {@code
 *     maxFrameSize}, {@code maxClients}, {@code sendTimeout}), as text; never a token, key or
 *     password
 * @param services the services the application registered, in registration order
 */
public record ServerDescription(
    int protocolVersion,
    String serializer,
    String transportScheme,
    Map<String, String> transportOptions,
    List<ServiceDescription> services) {

  /** Checks the fields and copies the collections. */
  public ServerDescription {
    Objects.requireNonNull(serializer, "serializer == null");
    Objects.requireNonNull(transportScheme, "transportScheme == null");
    transportOptions =
        Map.copyOf(Objects.requireNonNull(transportOptions, "transportOptions == null"));
    services = List.copyOf(Objects.requireNonNull(services, "services == null"));
  }

  /**
   * The service whose interface has this fully qualified name, if the server offers it.
   *
   * @return the service, or empty
   */
  public Optional<ServiceDescription> service(String interfaceName) {
    Objects.requireNonNull(interfaceName, "interfaceName == null");
    return services.stream().filter(s -> s.interfaceName().equals(interfaceName)).findFirst();
  }
}
