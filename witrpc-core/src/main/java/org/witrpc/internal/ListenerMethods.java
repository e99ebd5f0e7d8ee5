package org.witrpc.internal;

/**
 * The naming rule of listener methods: {@code addXxx(L)}, where {@code L} is an interface annotated
 * {@link org.witrpc.Listener}, subscribes; {@code removeXxx(L)} of the same interface, with the
 * same {@code Xxx} and {@code L}, is its pair and undoes it. The client unsubscribes through a
 * remove method only what its paired add method subscribed; the server hands each subscription's
 * stub to the paired remove method when the client unsubscribes or its connection ends.
 *
 * <p>Thread safety: stateless.
 */
public final class ListenerMethods {
  private static final String ADD = "add";
  private static final String REMOVE = "remove";

  private ListenerMethods() {}

  /** True if a method of this name that takes a listener subscribes it. */
  static boolean isAdd(String methodName) {
    return methodName.startsWith(ADD);
  }

  /** True if a method of this name that takes a listener unsubscribes it. */
  static boolean isRemove(String methodName) {
    return methodName.startsWith(REMOVE);
  }

  /**
   * The method key ({@link MethodDescriptor#key()}) of the remove method that pairs with {@code
   * add}: {@code removeXxx(L)} for {@code addXxx(L)}.
   *
   * @throws IllegalArgumentException if {@code add} does not subscribe a listener
   */
  public static String removeKey(MethodDescriptor add) {
    if (add.kind() != MethodDescriptor.Kind.SUBSCRIBE) {
      throw new IllegalArgumentException(add.displayName() + " is not a listener add method");
    }
    return removeKey(add.methodName(), add.listenerType().getTypeName());
  }

  /**
   * The method key of the remove method that pairs with add method {@code addName} of listener
   * interface {@code listenerInterface} (its fully qualified name): {@code removeXxx(L)} for {@code
   * addXxx}.
   *
   * @throws IllegalArgumentException if {@code addName} is not an add method's name
   */
  public static String removeKey(String addName, String listenerInterface) {
    if (!isAdd(addName)) {
      throw new IllegalArgumentException(addName + " is not a listener add method's name");
    }
    return REMOVE + addName.substring(ADD.length()) + "(" + listenerInterface + ")";
  }

  /** True if {@code remove} undoes what {@code add} subscribes (same interface, paired names). */
  public static boolean pairs(MethodDescriptor add, MethodDescriptor remove) {
    return add.kind() == MethodDescriptor.Kind.SUBSCRIBE
        && remove.kind() == MethodDescriptor.Kind.UNSUBSCRIBE
        && add.owner() == remove.owner()
        && remove.key().equals(removeKey(add));
  }
}
