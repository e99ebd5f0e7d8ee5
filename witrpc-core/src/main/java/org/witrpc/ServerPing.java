package org.witrpc;

import java.util.concurrent.CompletableFuture;

/**
 * A sign of life that every server gives by itself, for liveness checks: routed as {@code
 * org.witrpc.ServerPing} / {@code ping()}, answered by the connection's reader as soon as it reads
 * the request, with no application code, no server interceptor and no executor in between. An
 * answer says that the server's process runs and its reader of this connection is free, however
 * many calls the application runs on its executor (a full executor, an interceptor holding those
 * calls back); no answer within a short time says that the process is stopped or stuck, or that a
 * call running on that reader holds it (under {@code Dispatch.INLINE}, or {@code AUTO} running a
 * method known to be quick that now blocks, or whose interceptor blocks).
 *
 * <pre>{@code
 * client.service(ServerPing.class).ping().get(500, TimeUnit.MILLISECONDS);
 * }</pre>
 *
 * <p>Like any call it needs the handshake and the access token, counts toward the connection's
 * concurrent-call limit (a server at the limit answers 503, which is an answer too) and is bounded
 * by the client's timeout; cancelling its future gives it up. A server of an older witrpc answers
 * 404 NOT_FOUND. Servers do not list it among their services. An application cannot register it.
 *
 * <p>Thread safety: the server's implementation is stateless.
 */
public interface ServerPing {
  /** Completes when the server has answered. */
  CompletableFuture<Void> ping();
}
