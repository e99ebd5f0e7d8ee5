package org.witrpc.spring.boot;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * A proxy of a service interface that connects its client (once, on the first call that finds it
 * not connected) before handing the call to the client's own proxy: what {@code
 * witrpc.client.NAME.connect=lazy} gives. {@code equals}, {@code hashCode} and {@code toString} are
 * answered without connecting.
 *
 * <p>Thread safety: safe for concurrent use; concurrent first calls connect once.
 */
final class LazyConnectingProxy implements InvocationHandler {
  private final NamedClient client;
  private final Object target;
  private final Class<?> iface;

  private LazyConnectingProxy(NamedClient client, Class<?> iface, Object target) {
    this.client = client;
    this.iface = iface;
    this.target = target;
  }

  static <T> T create(NamedClient client, Class<T> iface, T target) {
    return iface.cast(
        Proxy.newProxyInstance(
            iface.getClassLoader(),
            new Class<?>[] {iface},
            new LazyConnectingProxy(client, iface, target)));
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      switch (method.getName()) {
        case "equals":
          return proxy == args[0];
        case "hashCode":
          return System.identityHashCode(proxy);
        default:
          return "witrpc proxy of " + iface.getName() + " (client '" + client.name() + "')";
      }
    }
    client.connectIfNeeded();
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
