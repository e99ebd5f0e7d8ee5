package org.witrpc.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.witrpc.Listener;
import org.witrpc.RpcMethod;

/**
 * What both sides know about one method of a service or listener interface, computed once: its wire
 * key (name and erased parameter types), whether it is a call or an event subscription, the
 * declared generic types used to encode and decode its values, and a name for error messages.
 *
 * <p>Used by witrpc-server and witrpc-client; applications see it as its {@link RpcMethod}
 * interface. Thread safety: immutable.
 */
public final class MethodDescriptor implements RpcMethod {

  /** What a method does on the wire. */
  public enum Kind {
    /** A REQUEST answered by a RESPONSE. */
    CALL,
    /**
     * {@code addXxx(L)} with a {@link Listener} interface L: a SUBSCRIBE (see {@link
     * ListenerMethods}).
     */
    SUBSCRIBE,
    /** {@code removeXxx(L)} with a {@link Listener} interface L: an UNSUBSCRIBE. */
    UNSUBSCRIBE
  }

  private final Class<?> owner;
  private final Method method;
  private final String serviceName;
  private final String methodName;
  private final String key;
  private final String displayName;
  private final Kind kind;
  private final Type[] parameterTypes;
  private final Type resultType;
  private final boolean async;

  private MethodDescriptor(Class<?> owner, Method method) {
    this.owner = owner;
    this.method = method;
    this.serviceName = owner.getName();
    this.methodName = method.getName();
    Class<?>[] raw = method.getParameterTypes();
    this.key =
        method.getName()
            + Arrays.stream(raw).map(Class::getTypeName).collect(Collectors.joining(",", "(", ")"));
    this.displayName =
        owner.getSimpleName()
            + "."
            + method.getName()
            + Arrays.stream(raw)
                .map(Class::getSimpleName)
                .collect(Collectors.joining(", ", "(", ")"));
    this.parameterTypes = method.getGenericParameterTypes();
    Class<?> returns = method.getReturnType();
    this.async = returns == CompletableFuture.class || returns == CompletionStage.class;
    this.resultType = async ? futureValueType(method.getGenericReturnType()) : wireType(method);
    this.kind = kindOf(method);
  }

  private MethodDescriptor(String service, String key, Kind kind) {
    this.owner = null;
    this.method = null;
    this.serviceName = service;
    this.key = key;
    int open = key.indexOf('(');
    if (open <= 0 || !key.endsWith(")")) {
      throw new IllegalArgumentException(
          "not a method key: '" + key + "' (expected name(type,...), for example add(int,int))");
    }
    this.methodName = key.substring(0, open);
    this.displayName = service.substring(service.lastIndexOf('.') + 1) + "." + key;
    Type[] types = new Type[keyParameterTypes(key).size()];
    Arrays.fill(types, JsonNode.class);
    this.parameterTypes = types;
    this.resultType = JsonNode.class;
    this.async = false;
    this.kind = kind;
  }

  /**
   * The erased parameter type names a method key lists: {@code [int, int]} for {@code
   * add(int,int)}.
   */
  public static List<String> keyParameterTypes(String key) {
    String params = key.substring(key.indexOf('(') + 1, key.length() - 1);
    // erased type names hold no comma, so the commas separate the parameters
    return params.isEmpty() ? List.of() : List.of(params.split(",", -1));
  }

  private static Type wireType(Method method) {
    Type t = method.getGenericReturnType();
    return t == void.class || t == Void.class ? Object.class : t;
  }

  private static Type futureValueType(Type returnType) {
    if (returnType instanceof ParameterizedType p) {
      Type arg = p.getActualTypeArguments()[0];
      boolean unknown = arg instanceof WildcardType || arg instanceof TypeVariable;
      return unknown || arg == Void.class ? Object.class : arg;
    }
    return Object.class;
  }

  private static Kind kindOf(Method m) {
    if (m.getParameterCount() != 1 || m.getReturnType() != void.class) {
      return Kind.CALL;
    }
    Class<?> p = m.getParameterTypes()[0];
    if (!p.isInterface() || !p.isAnnotationPresent(Listener.class)) {
      return Kind.CALL;
    }
    if (ListenerMethods.isAdd(m.getName())) {
      return Kind.SUBSCRIBE;
    }
    if (ListenerMethods.isRemove(m.getName())) {
      return Kind.UNSUBSCRIBE;
    }
    return Kind.CALL;
  }

  /** The descriptor of one method of {@code owner}. */
  public static MethodDescriptor of(Class<?> owner, Method method) {
    return new MethodDescriptor(
        Objects.requireNonNull(owner, "owner == null"),
        Objects.requireNonNull(method, "method == null"));
  }

  /**
   * A method known only by its route, for calls without the interface class: every argument and the
   * result are JSON trees ({@link JsonNode}), which the serializer writes and reads as they are;
   * the server converts them with the method's declared types. It has no Java method ({@link
   * #javaMethod()} and {@link #method()} are null) and, even if the server's method is
   * asynchronous, its caller waits for the result ({@link #async()} is false).
   *
   * @param service the fully qualified name of the service interface
   * @param key the method key, for example {@code add(int,int)}
   * @param kind call, subscribe or unsubscribe
   * @throws IllegalArgumentException if {@code key} is not of the form {@code name(type,...)}
   */
  public static MethodDescriptor dynamic(String service, String key, Kind kind) {
    return new MethodDescriptor(
        Objects.requireNonNull(service, "service == null"),
        Objects.requireNonNull(key, "key == null"),
        Objects.requireNonNull(kind, "kind == null"));
  }

  /**
   * The descriptors of every non-static method of interface {@code iface} (including inherited
   * ones), by wire key, in a stable order.
   *
   * @throws IllegalArgumentException if {@code iface} is not an interface
   */
  public static Map<String, MethodDescriptor> allOf(Class<?> iface) {
    if (!Objects.requireNonNull(iface, "iface == null").isInterface()) {
      throw new IllegalArgumentException(iface.getName() + " is not an interface");
    }
    Map<String, MethodDescriptor> map = new LinkedHashMap<>();
    Method[] methods = iface.getMethods();
    Arrays.sort(methods, (a, b) -> a.toGenericString().compareTo(b.toGenericString()));
    for (Method m : methods) {
      if (!Modifier.isStatic(m.getModifiers())) {
        MethodDescriptor d = of(iface, m);
        map.putIfAbsent(d.key(), d);
      }
    }
    return Collections.unmodifiableMap(map);
  }

  /**
   * Checks that {@code iface} is a usable listener interface: an interface annotated {@link
   * Listener} whose methods all return void.
   *
   * @throws IllegalArgumentException naming the offending method
   */
  public static void checkListener(Class<?> iface) {
    if (!iface.isInterface() || !iface.isAnnotationPresent(Listener.class)) {
      throw new IllegalArgumentException(
          iface.getName() + " is not an interface annotated @org.witrpc.Listener");
    }
    for (Method m : iface.getMethods()) {
      if (!Modifier.isStatic(m.getModifiers())
          && !m.isDefault()
          && m.getReturnType() != void.class) {
        throw new IllegalArgumentException(
            of(iface, m).displayName() + ": listener methods must return void");
      }
    }
  }

  /** The interface this method is called through; null for a {@link #dynamic} one. */
  public Class<?> owner() {
    return owner;
  }

  /** The reflective method; null for a {@link #dynamic} one. */
  public Method method() {
    return method;
  }

  @Override
  public String serviceName() {
    return serviceName;
  }

  @Override
  public String methodName() {
    return methodName;
  }

  @Override
  public Method javaMethod() {
    return method;
  }

  /** The wire key: name and erased parameter type names, for example {@code add(int,int)}. */
  @Override
  public String key() {
    return key;
  }

  /** The name for messages, for example {@code Calculator.add(int, int)}. */
  public String displayName() {
    return displayName;
  }

  /** Call, subscribe or unsubscribe. */
  public Kind kind() {
    return kind;
  }

  /** The declared generic parameter types (a copy). */
  public Type[] parameterTypes() {
    return parameterTypes.clone();
  }

  /**
   * The type of the value a RESPONSE carries: the declared return type, the {@code T} of {@code
   * CompletableFuture<T>} / {@code CompletionStage<T>}, or {@code Object} for void.
   */
  public Type resultType() {
    return resultType;
  }

  /** True if the method returns {@code CompletableFuture} or {@code CompletionStage}. */
  @Override
  public boolean async() {
    return async;
  }

  /** True if the method returns void (false for a {@link #dynamic} one). */
  public boolean returnsVoid() {
    return method != null && method.getReturnType() == void.class;
  }

  /** The listener interface of a SUBSCRIBE or UNSUBSCRIBE method. */
  public Class<?> listenerType() {
    if (kind == Kind.CALL || method == null) {
      throw new IllegalStateException(
          displayName + " is not a listener method of a Java interface");
    }
    return method.getParameterTypes()[0];
  }

  /** The route of this method. */
  public Route route() {
    return new Route(serviceName, key);
  }

  @Override
  public String toString() {
    return displayName;
  }
}
