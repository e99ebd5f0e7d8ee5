package org.witrpc.client;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.witrpc.Metadata;
import org.witrpc.RpcMethod;
import org.witrpc.WitException;

/**
 * Runs a proxy call through the client's {@link ClientInterceptor}s, in the order they were
 * installed, then the call itself. An exception an interceptor throws itself (not one that came out
 * of its {@code proceed()}) becomes a {@link WitException} naming it.
 *
 * <p>Thread safety: immutable; each call gets its own chain links.
 */
final class ClientInterceptors {
  private final ClientInterceptor[] interceptors;

  ClientInterceptors(List<ClientInterceptor> interceptors) {
    this.interceptors = interceptors.toArray(ClientInterceptor[]::new);
  }

  /** Runs {@code call} (given the final metadata) behind every interceptor. */
  Object run(RpcMethod method, Object[] args, Function<Metadata, Object> call) {
    return new Link(0, method, args, Metadata.empty(), call).proceed();
  }

  private final class Link implements ClientInterceptor.Chain {
    private final int index;
    private final RpcMethod method;
    private final Object[] args;
    private final Metadata metadata;
    private final Function<Metadata, Object> call;

    /** What this link's proceed threw last, so that the interceptor before can pass it on. */
    private Throwable thrown;

    Link(
        int index,
        RpcMethod method,
        Object[] args,
        Metadata metadata,
        Function<Metadata, Object> call) {
      this.index = index;
      this.method = method;
      this.args = args;
      this.metadata = metadata;
      this.call = call;
    }

    @Override
    public RpcMethod method() {
      return method;
    }

    @Override
    public Object[] arguments() {
      return args;
    }

    @Override
    public Metadata metadata() {
      return metadata;
    }

    @Override
    public Object proceed() {
      return proceed(metadata);
    }

    @Override
    public Object proceed(Metadata metadata) {
      Objects.requireNonNull(metadata, "metadata == null");
      try {
        return proceedOrThrow(metadata);
      } catch (RuntimeException | Error e) {
        thrown = e;
        throw e;
      }
    }

    private Object proceedOrThrow(Metadata metadata) {
      if (index == interceptors.length) {
        return call.apply(metadata);
      }
      Link next = new Link(index + 1, method, args, metadata, call);
      try {
        return interceptors[index].intercept(next);
      } catch (RuntimeException e) {
        if (e == next.thrown) {
          throw e;
        }
        throw failure(e);
      } catch (VirtualMachineError e) {
        throw e; // out of memory or stack: nothing an interceptor chose
      } catch (Error e) {
        if (e == next.thrown) {
          throw e;
        }
        throw failure(e); // an AssertionError, a LinkageError: this interceptor's, named
      }
    }

    private WitException failure(Throwable t) {
      return new WitException(
          method
              + ": client interceptor #"
              + (index + 1)
              + " ("
              + interceptors[index].getClass().getName()
              + ") failed the call: "
              + t,
          t);
    }
  }
}
