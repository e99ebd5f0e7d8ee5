package org.witrpc.client;

import org.witrpc.Metadata;
import org.witrpc.RpcMethod;

/**
 * Wraps the calls a client makes through its proxies: sees the method, its arguments, the metadata
 * to send, and the result or exception; may add metadata ({@link Chain#proceed(Metadata)}), time
 * the call, refuse it (throw), or answer it itself (return without proceeding). Installed in order
 * with {@link WitClient.Builder#interceptor}: the first installed is the outermost, so it sees the
 * call first and its outcome last.
 *
 * <pre>{@code
 * ClientInterceptor tenant = chain -> chain.proceed(chain.metadata().with("tenant", "acme"));
 * }</pre>
 *
 * <p><b>Thread.</b> Runs on the thread that calls the proxy, once per proxy call, outside the
 * client's retries (a retried call passes the interceptors once). For an asynchronous method
 * ({@link RpcMethod#async()}) {@code proceed()} returns the call's {@code CompletableFuture} at
 * once: the call's outcome is that future's completion (on the client's async executor), which an
 * interceptor observes by returning a future derived from it, or the same future after adding a
 * callback (cancelling the caller's future cancels the call only if it is the call's own).
 *
 * <p><b>Failures.</b> What {@code proceed()} throws (a {@link org.witrpc.WitException}: the
 * server's error, a timeout, a lost connection, or a later interceptor's failure) passes through an
 * interceptor that rethrows it unchanged. Anything else an interceptor throws fails that call only,
 * as a {@link org.witrpc.WitException} whose message names the interceptor and whose cause is what
 * it threw.
 *
 * <p>Subscribe and unsubscribe calls ({@code addXxxListener} / {@code removeXxxListener}), the
 * events the server sends and default methods (run locally) are not intercepted.
 *
 * <p>Thread safety: an interceptor is called from many threads at once and must be thread-safe.
 */
@FunctionalInterface
public interface ClientInterceptor {
  /**
   * Handles one call: usually does something, calls {@code chain.proceed(...)} and returns its
   * result.
   *
   * @return the call's result (for an asynchronous method, its {@code CompletableFuture})
   */
  Object intercept(Chain chain);

  /**
   * One call on its way through the interceptors.
   *
   * <p>Thread safety: used by the calling thread.
   */
  interface Chain {
    /** The method called. */
    RpcMethod method();

    /** The arguments the proxy was called with (read them, do not change them). */
    Object[] arguments();

    /** The metadata the call carries so far: empty, or what an earlier interceptor set. */
    Metadata metadata();

    /** Runs the rest of the chain with {@link #metadata()}: the next interceptor, or the call. */
    Object proceed();

    /**
     * Runs the rest of the chain with {@code metadata} instead: what later interceptors see and the
     * server receives.
     */
    Object proceed(Metadata metadata);
  }
}
