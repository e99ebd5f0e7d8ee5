package org.witrpc.server;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.ConcurrentHashMap;
import org.witrpc.WitException;
import org.witrpc.WitSerializationException;
import org.witrpc.internal.FrameBuffer;
import org.witrpc.internal.MessageType;
import org.witrpc.internal.MethodDescriptor;
import org.witrpc.spi.Serializer;

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
  private final Serializer serializer;
  private final MethodInvoker removeMethod;
  private final Object proxy;

  private CallbackStub(
      long subscriptionId,
      Class<?> listenerType,
      ServerConnection connection,
      Serializer serializer,
      MethodInvoker removeMethod) {
    this.subscriptionId = subscriptionId;
    this.listenerType = listenerType;
    this.connection = connection;
    this.serializer = serializer;
    this.removeMethod = removeMethod;
    this.proxy =
        Proxy.newProxyInstance(listenerType.getClassLoader(), new Class<?>[] {listenerType}, this);
  }

  /**
   * @param removeMethod the implementation's remove method that pairs with the add method, or null
   */
  static CallbackStub create(
      long subscriptionId,
      Class<?> listenerType,
      ServerConnection connection,
      Serializer serializer,
      MethodInvoker removeMethod) {
    return new CallbackStub(subscriptionId, listenerType, connection, serializer, removeMethod);
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
    sendCallback(d, args == null ? new Object[0] : args);
    return null;
  }

  private void sendCallback(MethodDescriptor d, Object[] args) {
    if (!connection.isOpen()) {
      ServerConnection.LOG.debug(
          "{}: callback {} to a closed connection dropped", connection.description(), d);
      return;
    }
    FrameBuffer fb = new FrameBuffer(64 + serializer.estimateSize(args, d.parameterTypes()));
    try {
      d.route().write(fb);
      serializer.write(fb, args, d.parameterTypes());
    } catch (WitSerializationException e) {
      fb.discard(); // a serializer's per-thread cache may keep the buffer: let go of its contents
      throw new WitSerializationException(
          "callback " + d.displayName() + ": cannot encode the arguments: " + e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      fb.discard();
      throw e;
    }
    WitException refused =
        connection.sendOrRefusal(fb.finishParts(MessageType.CALLBACK, 0, 0, subscriptionId));
    if (refused != null) {
      // an event larger than the client takes: dropped for this client, said where it is seen
      connection.logRefused("callback " + d, refused);
    }
  }
}
