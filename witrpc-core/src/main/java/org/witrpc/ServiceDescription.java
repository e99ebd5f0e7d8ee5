package org.witrpc;

import java.util.List;
import java.util.Objects;

/**
 * One service interface a server offers, as {@link ServerReflection} describes it.
 *
 * <p>Thread safety: immutable.
 *
 * @param interfaceName the fully qualified name of the interface: the service part of every route
 * @param methods its methods (inherited ones included), sorted by their Java signature
 */
public record ServiceDescription(String interfaceName, List<MethodDescription> methods) {

  /** Checks the fields and copies the list. */
  public ServiceDescription {
    Objects.requireNonNull(interfaceName, "interfaceName == null");
    methods = List.copyOf(Objects.requireNonNull(methods, "methods == null"));
  }

  /** The methods of this name (several if it is overloaded; none if there is no such method). */
  public List<MethodDescription> methods(String name) {
    Objects.requireNonNull(name, "name == null");
    return methods.stream().filter(m -> m.name().equals(name)).toList();
  }
}
