package org.witrpc.server;

/**
 * Where the server runs a request.
 *
 * <p>Thread safety: immutable.
 */
public enum Dispatch {
  /**
   * On the transport's reader thread that received it. Saves a thread hand-off per call (the
   * fastest path for short methods), but a slow method then delays every later frame of that
   * connection, and a method must not call back into the same client synchronously.
   */
  INLINE,
  /** On the server's executor (the default): a slow method never delays other calls. */
  EXECUTOR
}
