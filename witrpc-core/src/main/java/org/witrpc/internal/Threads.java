package org.witrpc.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Which kind of thread the current one is, on every JDK witrpc runs on (virtual threads came in JDK
 * 21; witrpc is built for 17).
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
public final class Threads {
  /** {@code Thread.isVirtual()} where the JDK has it (21+), else null. */
  private static final MethodHandle IS_VIRTUAL = isVirtualHandle();

  private Threads() {}

  /**
   * True if the current thread is a platform thread: its {@link Thread#yield()} gives its core to
   * another thread. A virtual thread's yield only unmounts it and submits it to its scheduler
   * again, which wakes an idle carrier thread: a thread wake-up per yield.
   */
  public static boolean isPlatform() {
    if (IS_VIRTUAL == null) {
      return true;
    }
    try {
      return !(boolean) IS_VIRTUAL.invokeExact(Thread.currentThread());
    } catch (Throwable e) {
      return true;
    }
  }

  private static MethodHandle isVirtualHandle() {
    try {
      return MethodHandles.publicLookup()
          .findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
    } catch (ReflectiveOperationException e) {
      return null; // JDK 17-20: every thread is a platform thread
    }
  }
}
