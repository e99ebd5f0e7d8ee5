package org.witrpc.server;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.witrpc.Idempotent;
import org.witrpc.MethodDescription;
import org.witrpc.ServerDescription;
import org.witrpc.ServerReflection;
import org.witrpc.ServiceDescription;
import org.witrpc.internal.Durations;
import org.witrpc.internal.Handshake;
import org.witrpc.internal.MethodDescriptor;
import org.witrpc.internal.Sizes;

/**
 * The server's {@link ServerReflection}: describes the services the application registered, from
 * their classes, computed once when the server is built. It lists neither itself nor any class a
 * client names.
 *
 * <p>Thread safety: immutable; safe for concurrent use.
 */
final class ReflectionService implements ServerReflection {
  /**
   * The transport URI options a description shows: limits and sizes, nothing that could name a
   * secret (a TLS key store's password, for example).
   */
  private static final Set<String> SIZES = Set.of("maxFrameSize", "size");

  private static final Set<String> DURATIONS = Set.of("sendTimeout", "spin");

  private static final Set<String> COUNTS = Set.of("maxClients");

  private final List<ServiceDescription> services;
  private final String serializer;
  private final Map<String, String> transportOptions;
  private final Supplier<String> address;

  /**
   * @param services the registered interfaces, in registration order
   * @param serializer the server's serializer name
   * @param transportOptions the non-secret transport settings
   * @param address the transport's address (read when asked: a transport may know it only later)
   */
  ReflectionService(
      List<Class<?>> services,
      String serializer,
      Map<String, String> transportOptions,
      Supplier<String> address) {
    List<ServiceDescription> list = new ArrayList<>();
    for (Class<?> iface : services) {
      list.add(describe(iface));
    }
    this.services = List.copyOf(list);
    this.serializer = serializer;
    this.transportOptions = Map.copyOf(transportOptions);
    this.address = address;
  }

  @Override
  public ServerDescription describe() {
    return new ServerDescription(
        Handshake.PROTOCOL_VERSION, serializer, scheme(address.get()), transportOptions, services);
  }

  private static String scheme(String address) {
    int colon = address.indexOf(':');
    return colon < 0 ? "" : address.substring(0, colon);
  }

  /**
   * The transport settings a description shows: the builder's for a transport given as URI, with
   * the URI's own values (which win) for its limits and sizes (nothing that could name a secret,
   * such as a key store's password). Sizes are shown in bytes, durations in milliseconds ({@code
   * 10000ms}).
   */
  static Map<String, String> transportOptions(
      String uri, int maxFrameSize, int maxClients, Duration sendTimeout) {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("maxFrameSize", Integer.toString(maxFrameSize));
    options.put("maxClients", Integer.toString(maxClients));
    options.put("sendTimeout", millis(sendTimeout));
    String query;
    try {
      query = new URI(uri).getQuery();
    } catch (URISyntaxException e) {
      return options; // the transport refused it already; nothing more to show
    }
    if (query != null) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          shown(pair.substring(0, eq), pair.substring(eq + 1))
              .ifPresent(value -> options.put(pair.substring(0, eq), value));
        }
      }
    }
    return options;
  }

  /** A URI option's value as shown, if it is one shown at all and valid. */
  private static Optional<String> shown(String key, String value) {
    try {
      if (SIZES.contains(key)) {
        return Optional.of(Long.toString(Sizes.parse(value)));
      }
      if (DURATIONS.contains(key)) {
        return Optional.of(millis(Durations.parse(value)));
      }
      if (COUNTS.contains(key)) {
        return Optional.of(Integer.toString(Integer.parseInt(value)));
      }
    } catch (IllegalArgumentException invalid) {
      // the transport refuses it when it is built; nothing to show
    }
    return Optional.empty();
  }

  private static String millis(Duration d) {
    return d.toMillis() + "ms";
  }

  private static ServiceDescription describe(Class<?> iface) {
    List<MethodDescription> methods = new ArrayList<>();
    for (MethodDescriptor d : MethodDescriptor.allOf(iface).values()) {
      methods.add(describe(d));
    }
    return new ServiceDescription(iface.getName(), methods);
  }

  private static MethodDescription describe(MethodDescriptor d) {
    return describe(d, true);
  }

  /**
   * {@code d}, with the events of its listener if {@code withEvents} (one level only: a listener
   * whose methods take listeners, itself included, would otherwise recurse without end).
   */
  private static MethodDescription describe(MethodDescriptor d, boolean withEvents) {
    Method m = d.method();
    List<String> types = new ArrayList<>();
    for (java.lang.reflect.Type t : m.getGenericParameterTypes()) {
      types.add(t.getTypeName());
    }
    List<String> names = new ArrayList<>();
    for (Parameter p : m.getParameters()) {
      names.add(p.getName()); // arg0, arg1, ... unless compiled with -parameters
    }
    boolean listener = d.kind() != MethodDescriptor.Kind.CALL;
    List<MethodDescription> events = Collections.emptyList();
    if (listener && withEvents) {
      events = new ArrayList<>();
      for (MethodDescriptor e : MethodDescriptor.allOf(d.listenerType()).values()) {
        events.add(describe(e, false));
      }
    }
    return new MethodDescription(
        m.getName(),
        d.key(),
        types,
        names,
        m.getGenericReturnType().getTypeName(),
        d.async(),
        m.isAnnotationPresent(Idempotent.class),
        d.kind() == MethodDescriptor.Kind.SUBSCRIBE,
        d.kind() == MethodDescriptor.Kind.UNSUBSCRIBE,
        listener ? d.listenerType().getName() : "",
        events);
  }
}
