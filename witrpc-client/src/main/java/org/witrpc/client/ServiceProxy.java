package org.witrpc.client;

import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.witrpc.Idempotent;
import org.witrpc.Listener;
import org.witrpc.Metadata;
import org.witrpc.WitException;
import org.witrpc.internal.MethodDescriptor;

/**
 * The invocation handler behind the proxy of one service interface. Every method is parsed once
 * into a {@link MethodDescriptor} and its encoded route; a call only looks them up. {@code Object}
 * methods are answered locally (identity equality), {@code default} methods run locally.
 *
 * <p>Thread safety: immutable after construction; safe for concurrent use.
 */
final class ServiceProxy implements InvocationHandler {
  /**
   * @param answerType what the method can return, primitives boxed; null for void
   */
  private record Target(
      MethodDescriptor descriptor, byte[] route, boolean idempotent, Class<?> answerType) {}

  private final Class<?> iface;
  private final RemoteCalls calls;
  private final ClientInterceptors interceptors;
  private final Map<Method, Target> targets = new HashMap<>();

  private ServiceProxy(Class<?> iface, RemoteCalls calls, ClientInterceptors interceptors) {
    this.iface = iface;
    this.calls = calls;
    this.interceptors = interceptors;
    for (MethodDescriptor d : MethodDescriptor.allOf(iface).values()) {
      if (d.kind() != MethodDescriptor.Kind.CALL) {
        MethodDescriptor.checkListener(d.listenerType());
        CallbackDispatcher.listenerMethods(d.listenerType()); // fails early if not accessible
      } else {
        refuseListenerParameters(d);
      }
      targets.put(
          d.method(),
          new Target(
              d,
              d.route().toBytes(),
              d.method().isAnnotationPresent(Idempotent.class),
              answerType(d.method())));
    }
  }

  /**
   * A plain method cannot take a listener: it would be sent as a value ({@code {}} for a lambda)
   * and fail on the server. Listeners go to {@code void addXxx(L)} and {@code removeXxx(L)} only.
   *
   * @throws IllegalArgumentException naming the method and the listener type
   */
  private static void refuseListenerParameters(MethodDescriptor d) {
    for (Class<?> p : d.method().getParameterTypes()) {
      if (p.isInterface() && p.isAnnotationPresent(Listener.class)) {
        throw new IllegalArgumentException(
            d.displayName()
                + " takes a @Listener "
                + p.getName()
                + ", but a listener can be passed only to void addXxx("
                + p.getSimpleName()
                + ") and removeXxx("
                + p.getSimpleName()
                + ") methods with that one parameter");
      }
    }
  }

  /**
   * A proxy implementing {@code iface} over {@code calls}, its calls behind {@code interceptors}
   * (null: none).
   */
  static <T> T create(Class<T> iface, RemoteCalls calls, ClientInterceptors interceptors) {
    ServiceProxy handler = new ServiceProxy(iface, calls, interceptors);
    return iface.cast(
        Proxy.newProxyInstance(iface.getClassLoader(), new Class<?>[] {iface}, handler));
  }

  private Object call(Target t, Object[] a, Metadata metadata) {
    MethodDescriptor d = t.descriptor();
    return d.async()
        ? calls.callAsync(d, t.route(), a, metadata)
        : calls.call(d, t.route(), a, t.idempotent(), metadata);
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      return switch (method.getName()) {
        case "equals" -> proxy == args[0];
        case "hashCode" -> System.identityHashCode(proxy);
        case "toString" -> "witrpc proxy of " + iface.getName();
        default -> throw new UnsupportedOperationException(method.toString());
      };
    }
    if (method.isDefault()) {
      return InvocationHandler.invokeDefault(proxy, method, args);
    }
    Target t = targets.get(method);
    if (t == null) {
      throw new UnsupportedOperationException(method + " is not part of " + iface.getName());
    }
    MethodDescriptor d = t.descriptor();
    Object[] a = args == null ? new Object[0] : args;
    switch (d.kind()) {
      case SUBSCRIBE -> {
        calls.subscribe(d, t.route(), Objects.requireNonNull(a[0], "listener == null"));
        return null;
      }
      case UNSUBSCRIBE -> {
        calls.unsubscribe(d, t.route(), Objects.requireNonNull(a[0], "listener == null"));
        return null;
      }
      default -> {
        if (interceptors == null) {
          return call(t, a, Metadata.empty());
        }
        return answered(t, interceptors.run(d, a, metadata -> call(t, a, metadata)));
      }
    }
  }

  /**
   * What the interceptors answered, if the method can return it; else a {@link WitException} naming
   * the method and what came back (the proxy would throw a bare NullPointerException or
   * ClassCastException).
   */
  private static Object answered(Target t, Object result) {
    Class<?> type = t.answerType();
    if (type == null) {
      return null; // void
    }
    Class<?> declared = t.descriptor().method().getReturnType();
    // null for an asynchronous method would leave its caller no future to wait on
    if (result == null
        ? declared.isPrimitive() || t.descriptor().async()
        : !type.isInstance(result)) {
      throw new WitException(
          t.descriptor().displayName()
              + ": the client interceptors answered "
              + (result == null ? "null" : "a " + result.getClass().getName())
              + " where the method returns "
              + declared.getName());
    }
    return result;
  }

  /** What {@code method} can return, its primitive boxed; null for void. */
  private static Class<?> answerType(Method method) {
    Class<?> type = method.getReturnType();
    return type == void.class ? null : MethodType.methodType(type).wrap().returnType();
  }
}
