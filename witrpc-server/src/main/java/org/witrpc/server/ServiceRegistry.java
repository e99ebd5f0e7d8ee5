package org.witrpc.server;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.witrpc.ServerPing;
import org.witrpc.internal.MethodDescriptor;
import org.witrpc.internal.Route;

/**
 * The method table of a server: for every registered service interface, an invoker per method,
 * keyed by interface name and method key (name + erased parameter types). Built once.
 *
 * <p>Thread safety: immutable after construction; safe for concurrent use.
 */
final class ServiceRegistry {
  private final Map<String, Map<String, MethodInvoker>> services;

  ServiceRegistry(Map<Class<?>, Object> implementations) {
    Map<String, Map<String, MethodInvoker>> map = new LinkedHashMap<>();
    implementations.forEach(
        (iface, impl) -> {
          Map<String, MethodInvoker> methods = new LinkedHashMap<>();
          boolean builtIn = iface == ServerPing.class;
          MethodDescriptor.allOf(iface)
              .forEach((key, d) -> methods.put(key, new MethodInvoker(d, impl, builtIn)));
          for (MethodInvoker inv : methods.values()) {
            if (inv.descriptor().kind() != MethodDescriptor.Kind.CALL) {
              MethodDescriptor.checkListener(inv.descriptor().listenerType());
            }
          }
          map.put(iface.getName(), Collections.unmodifiableMap(methods));
        });
    this.services = Collections.unmodifiableMap(map);
  }

  boolean hasService(String name) {
    return services.containsKey(name);
  }

  Optional<MethodInvoker> find(Route route) {
    Map<String, MethodInvoker> methods = services.get(route.service());
    return methods == null ? Optional.empty() : Optional.ofNullable(methods.get(route.method()));
  }
}
