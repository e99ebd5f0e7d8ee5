package org.witrpc;

import java.util.List;
import java.util.Objects;

/**
 * One method of a service (or of a listener interface), as {@link ServerReflection} describes it.
 * Types are readable Java types as {@link java.lang.reflect.Type#getTypeName()} writes them, with
 * their generic arguments, for example {@code java.util.List<java.util.Map<java.lang.String,
 * java.lang.Integer>>}.
 *
 * <p>Thread safety: immutable.
 *
 * @param name the method's name, for example {@code add}
 * @param key the method's key on the wire, unique within its interface: its name and erased
 *     parameter types, for example {@code add(int,int)} (see docs/PROTOCOL.md, "Route")
 * @param parameterTypes the declared generic parameter types, in order
 * @param parameterNames the parameter names, in order: the source names if the interface was
 *     compiled with {@code -parameters}, else {@code arg0}, {@code arg1}, ...
 * @param returnType the declared generic return type, for example {@code void} or {@code
 *     java.util.concurrent.CompletableFuture<java.lang.String>}
 * @param async whether the method returns {@code CompletableFuture} or {@code CompletionStage}
 * @param idempotent whether the method is annotated {@link Idempotent}
 * @param listenerAdd whether the method subscribes a {@link Listener} ({@code addXxx(L)})
 * @param listenerRemove whether the method unsubscribes a {@link Listener} ({@code removeXxx(L)})
 * @param listenerInterface for a listener add or remove method, the fully qualified name of the
 *     listener interface (the service part of its events' routes); else empty
 * @param listenerMethods for a listener add or remove method, the listener interface's methods (the
 *     events it receives; their keys are the method part of the events' routes); else empty
 */
public record MethodDescription(
    String name,
    String key,
    List<String> parameterTypes,
    List<String> parameterNames,
    String returnType,
    boolean async,
    boolean idempotent,
    boolean listenerAdd,
    boolean listenerRemove,
    String listenerInterface,
    List<MethodDescription> listenerMethods) {

  /** Checks the fields and copies the lists. */
  public MethodDescription {
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(key, "key == null");
    parameterTypes = List.copyOf(Objects.requireNonNull(parameterTypes, "parameterTypes == null"));
    parameterNames = List.copyOf(Objects.requireNonNull(parameterNames, "parameterNames == null"));
    Objects.requireNonNull(returnType, "returnType == null");
    Objects.requireNonNull(listenerInterface, "listenerInterface == null");
    listenerMethods =
        List.copyOf(Objects.requireNonNull(listenerMethods, "listenerMethods == null"));
    if (parameterTypes.size() != parameterNames.size()) {
      throw new IllegalArgumentException(
          key + ": " + parameterTypes.size() + " types but " + parameterNames.size() + " names");
    }
  }

  /** The number of parameters. */
  public int arity() {
    return parameterTypes.size();
  }

  /**
   * A readable signature for messages, for example {@code add(int a, int b)}: the name with the
   * generic parameter types and names.
   */
  public String signature() {
    StringBuilder sb = new StringBuilder(name).append('(');
    for (int i = 0; i < parameterTypes.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(parameterTypes.get(i)).append(' ');
      sb.append(parameterNames.get(i));
    }
    return sb.append(')').toString();
  }
}
