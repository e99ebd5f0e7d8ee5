package org.witrpc.server;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.ConcurrentHashMap;
import org.witrpc.internal.MethodDescriptor;

/**
 * The remote stub of one client subscription, handed to the service implementation in place of the
 * client's listener. Invoking it sends a CALLBACK to that client only. A stub is equal only to
 * itself (one stub per subscription), so an implementation's {@code list.remove(stub)} works. Calls
 * on the stub of a client that has gone are dropped; the server removes the stub soon after.
 *
 * <p>Thread safety: safe for concurrent use; callbacks from one thread reach the client in order.
 */
final class CallbackStub implements InvocationHandler {
  private static final ConcurrentHashMap<Method, MethodDescriptor> DESCRIPTORS =
      new ConcurrentHashMap<>();

  private final long subscriptionId;
  private final Class<?> listenerType;
  private final ServerConnection connection;
  private final MethodInvoker removeMethod;
  private final Object proxy;

  private CallbackStub(
      long subscriptionId,
      Class<?> listenerType,
      ServerConnection connection,
      MethodInvoker removeMethod) {
    this.subscriptionId = subscriptionId;
    this.listenerType = listenerType;
    this.connection = connection;
    this.removeMethod = removeMethod;
    this.proxy =
        Proxy.newProxyInstance(listenerType.getClassLoader(), new Class<?>[] {listenerType}, this);
  }

  static CallbackStub create(
      long subscriptionId,
      Class<?> listenerType,
      ServerConnection connection,
      MethodInvoker removeMethod) {
    return new CallbackStub(subscriptionId, listenerType, connection, removeMethod);
  }

  Object proxy() {
    return proxy;
  }

  long subscriptionId() {
    return subscriptionId;
  }

  /** The implementation's remove method this subscription's add method pairs with, if any. */
  MethodInvoker removeMethod() {
    return removeMethod;
  }

  @Override
  public Object invoke(Object self, Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      switch (method.getName()) {
        case "equals":
          return self == args[0];
        case "hashCode":
          return Long.hashCode(subscriptionId) ^ System.identityHashCode(this);
        case "toString":
          return listenerType.getSimpleName()
              + " stub #"
              + subscriptionId
              + " of "
              + connection.description();
        default:
          throw new UnsupportedOperationException(method.toString());
      }
    }
    if (method.isDefault()) {
      return InvocationHandler.invokeDefault(self, method, args);
    }
    MethodDescriptor d =
        DESCRIPTORS.computeIfAbsent(method, m -> MethodDescriptor.of(listenerType, m));
    connection.sendCallback(subscriptionId, d, args == null ? new Object[0] : args);
    return null;
  }
}
