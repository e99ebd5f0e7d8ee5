package org.witrpc.server;

import org.witrpc.RpcMethod;

/**
 * Wraps the calls a server runs: sees the method, its arguments, the caller's metadata and peer
 * ({@link Chain#context()}), and the result or exception; may time the call, refuse it (throw), or
 * answer it itself (return without {@link Chain#proceed()}). Installed in order with {@code
 * WitServer.Builder.interceptor}: the first installed is the outermost, so it sees the call first
 * and its outcome last.
 *
 * <pre>{@code
 * ServerInterceptor timing = chain -> {
 *   long start = System.nanoTime();
 *   try {
 *     return chain.proceed();
 *   } finally {
 *     log(chain.method().serviceName(), chain.method().methodName(), System.nanoTime() - start);
 *   }
 * };
 * }</pre>
 *
 * <p><b>Thread.</b> Runs on the thread that runs the method (the transport's reader for a method
 * dispatched inline, else the server's executor), after the request's arguments and metadata are
 * decoded, with the call's {@link CallContext} current. For an asynchronous method ({@link
 * RpcMethod#async()}), {@code proceed()} returns the method's {@code CompletionStage}: the call's
 * outcome is that stage's completion, which an interceptor observes by returning a stage derived
 * from it (for example with {@code whenComplete}).
 *
 * <p><b>Failures.</b> What {@code proceed()} throws is what the method or a later interceptor
 * threw, unchanged, and passes through an interceptor that rethrows it. What an interceptor throws
 * itself fails that call only: the client gets the status of a {@link
 * org.witrpc.WitRemoteException} thrown (a refusal, such as 561 for a missing credential), else
 * 500, with a message naming the interceptor, and the server logs nothing more than it does for a
 * method's exception. What the method throws is answered 500, a {@code WitRemoteException} too (a
 * method relaying another server's error does not answer with that server's status); a call the
 * client has given up on is answered 499. {@link CallContext#answerStatus} tells an interceptor
 * which status a failure is answered with, for example to record it.
 *
 * <p>Subscribe and unsubscribe calls ({@code addXxxListener} / {@code removeXxxListener}) and
 * events are not intercepted.
 *
 * <p>Thread safety: an interceptor is called from many threads at once and must be thread-safe.
 */
@FunctionalInterface
public interface ServerInterceptor {
  /**
   * Handles one call: usually does something, calls {@code chain.proceed()} and returns its result.
   *
   * @return the call's result (for an asynchronous method, a {@code CompletionStage} of it)
   * @throws Exception to fail the call
   */
  Object intercept(Chain chain) throws Exception;

  /**
   * One call on its way through the interceptors.
   *
   * <p>Thread safety: used by the thread that runs the call.
   */
  interface Chain {
    /** The call's context: method, metadata, peer, deadline, cancellation. */
    CallContext context();

    /** The method called; the same as {@code context().method()}. */
    RpcMethod method();

    /** The decoded arguments (the array the method receives: read it, do not change it). */
    Object[] arguments();

    /**
     * Runs the rest of the chain: the next interceptor, or the method.
     *
     * @return the method's result (for an asynchronous method, its {@code CompletionStage})
     * @throws Exception what the method or a later interceptor threw
     */
    Object proceed() throws Exception;
  }
}
