package org.witrpc.server;

import org.witrpc.Metadata;
import org.witrpc.RpcMethod;

/**
 * The current call of a connection's reader while it runs a synchronous method inline with no
 * server interceptor installed: holds what the request said and makes the {@link CallContext} only
 * if the method asks for it ({@link CallContext#current()}), so such a call allocates nothing for
 * its context. One per connection, reused: the reader runs one inline call at a time, and nobody
 * can cancel such a call while it runs (the reader that would read the CANCEL is running it).
 *
 * <p>Thread safety: used by the connection's reader only.
 */
final class InlineCall {
  private final ServerConnection connection;
  private RpcMethod method;
  private Metadata metadata;
  private long deadlineMillis;
  private CallContext context;

  InlineCall(ServerConnection connection) {
    this.connection = connection;
  }

  void begin(RpcMethod method, Metadata metadata, long deadlineMillis) {
    this.method = method;
    this.metadata = metadata;
    this.deadlineMillis = deadlineMillis;
  }

  /** Lets go of the call, so that neither it nor its context outlives it here. */
  void end() {
    method = null;
    metadata = null;
    context = null;
  }

  CallContext context() {
    if (context == null) {
      context = new CallContext(connection.peer(), method, metadata, deadlineMillis);
    }
    return context;
  }
}
