package org.witrpc.server;

import java.util.List;
import org.witrpc.RpcMethod;
import org.witrpc.Status;
import org.witrpc.WitException;
import org.witrpc.WitRemoteException;

/**
 * Runs a call through the server's {@link ServerInterceptor}s, in the order they were installed,
 * then the method. An exception an interceptor throws itself (not one that came out of its {@code
 * proceed()}) passes unchanged through the interceptors before it (they see what was thrown, and
 * {@link CallContext#answerStatus} tells them its status), and leaves the chain as an {@link
 * InterceptorFailure} naming it.
 *
 * <p>Thread safety: immutable; each call gets its own chain links.
 */
final class ServerInterceptors {
  private final ServerInterceptor[] interceptors;

  ServerInterceptors(List<ServerInterceptor> interceptors) {
    this.interceptors = interceptors.toArray(ServerInterceptor[]::new);
  }

  /** Runs {@code invoker} with {@code args} behind every interceptor. */
  Object run(CallContext context, MethodInvoker invoker, Object[] args) throws Throwable {
    try {
      return new Link(0, context, invoker, args).proceed();
    } catch (Throwable t) {
      int index = context.refusedBy(t);
      if (index >= 0) {
        throw new InterceptorFailure(index, interceptors[index], t, context.answerStatus(t));
      }
      throw t;
    }
  }

  /**
   * The status a failure a server interceptor threw itself is answered with: that of a {@link
   * WitRemoteException} with a known status other than 200, else 500.
   */
  static Status refusalStatus(Throwable t) {
    if (t instanceof WitRemoteException r) {
      for (Status s : Status.values()) {
        if (s.code() == r.status() && s != Status.OK) {
          return s;
        }
      }
    }
    return Status.SERVER_ERROR;
  }

  /**
   * A failure an interceptor threw itself, as the chain ends: answered with its status and a
   * message naming the interceptor.
   */
  static final class InterceptorFailure extends WitException {
    private static final long serialVersionUID = 1L;

    private final Status status;

    InterceptorFailure(int index, Object interceptor, Throwable t, Status status) {
      super(
          "server interceptor #"
              + (index + 1)
              + " ("
              + interceptor.getClass().getName()
              + ") failed the call: "
              + t,
          t);
      this.status = status;
    }

    Status status() {
      return status;
    }
  }

  private final class Link implements ServerInterceptor.Chain {
    private final int index;
    private final CallContext context;
    private final MethodInvoker invoker;
    private final Object[] args;

    /** What this link's proceed() threw last, so that the interceptor before can pass it on. */
    private Throwable thrown;

    Link(int index, CallContext context, MethodInvoker invoker, Object[] args) {
      this.index = index;
      this.context = context;
      this.invoker = invoker;
      this.args = args;
    }

    @Override
    public CallContext context() {
      return context;
    }

    @Override
    public RpcMethod method() {
      return invoker.descriptor();
    }

    @Override
    public Object[] arguments() {
      return args;
    }

    @Override
    public Object proceed() throws Exception {
      try {
        return proceedOrThrow();
      } catch (Throwable t) {
        thrown = t;
        throw ServerInterceptors.<Exception>sneaky(t);
      }
    }

    private Object proceedOrThrow() throws Throwable {
      if (index == interceptors.length) {
        return invoker.invoke(args);
      }
      Link next = new Link(index + 1, context, invoker, args);
      try {
        return interceptors[index].intercept(next);
      } catch (Throwable t) {
        if (t != next.thrown) {
          context.refused(index, t, refusalStatus(t));
        }
        throw t;
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> T sneaky(Throwable t) throws T {
    throw (T) t;
  }
}
