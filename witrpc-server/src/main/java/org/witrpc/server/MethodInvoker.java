package org.witrpc.server;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import org.witrpc.MethodDescriptor;

/**
 * Calls one method of one service implementation. Built once per method when the server is built:
 * the method handle is looked up once and spread to take an argument array.
 *
 * <p>Thread safety: immutable; safe for concurrent use.
 */
final class MethodInvoker {
  private final MethodDescriptor descriptor;
  private final MethodHandle handle;

  MethodInvoker(MethodDescriptor descriptor, Object implementation) {
    this.descriptor = descriptor;
    this.handle = spread(unreflect(descriptor.method()).bindTo(implementation), descriptor);
  }

  private static MethodHandle unreflect(Method method) {
    try {
      return MethodHandles.publicLookup().unreflect(method);
    } catch (IllegalAccessException notPublic) {
      try {
        method.setAccessible(true);
        return MethodHandles.lookup().unreflect(method);
      } catch (IllegalAccessException | RuntimeException e) {
        throw new IllegalArgumentException(
            "cannot access " + method + ": make the service interface public", e);
      }
    }
  }

  private static MethodHandle spread(MethodHandle bound, MethodDescriptor d) {
    int n = d.method().getParameterCount();
    return bound
        .asType(bound.type().generic().changeReturnType(Object.class))
        .asSpreader(Object[].class, n)
        .asType(MethodType.methodType(Object.class, Object[].class));
  }

  MethodDescriptor descriptor() {
    return descriptor;
  }

  /** Invokes the method; whatever the implementation throws is thrown unchanged. */
  Object invoke(Object[] args) throws Throwable {
    return handle.invokeExact(args);
  }
}
