package org.witrpc;

import java.lang.reflect.Method;

/**
 * One method of a service interface as interceptors and the server's {@code CallContext} see it:
 * the service and method names (for metrics tags and trace span names), the wire key that tells
 * overloads apart, and the Java method.
 *
 * <p>witrpc describes each method once, when a proxy or a server is built; calls hand out that
 * description, so reading it costs no allocation.
 *
 * <p>Thread safety: implementations are immutable.
 */
public interface RpcMethod {
  /** The fully qualified name of the service interface, for example {@code com.acme.Calculator}. */
  String serviceName();

  /** The method's name, for example {@code add}. */
  String methodName();

  /**
   * The method's key on the wire: its name and erased parameter types, for example {@code
   * add(int,int)}; unique within its service, overloads included.
   */
  String key();

  /**
   * The method of the service interface; null for a call made without the interface class (through
   * {@code DynamicClient}, which knows the method only by its key).
   */
  Method javaMethod();

  /**
   * True if the method returns {@code CompletableFuture} or {@code CompletionStage}: its outcome is
   * the completion of that stage.
   */
  boolean async();
}
