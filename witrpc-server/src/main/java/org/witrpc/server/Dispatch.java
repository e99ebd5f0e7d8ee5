package org.witrpc.server;

/**
 * Where the server runs a request.
 *
 * <p>Thread safety: immutable.
 */
public enum Dispatch {
  /**
   * The default: a method that has been quick so far (a moving average under 20 us over its recent
   * calls) runs {@link #INLINE}; any other request, including the first call of every method, runs
   * on the {@link #EXECUTOR}. Short calls thus pay no thread hand-off (which costs more than a
   * shared-memory round trip), while a method seen to be slow never delays other calls. A method
   * that is usually quick but sometimes blocks may delay the later frames of its own connection,
   * once, until its average tells. Over {@code tcp://} and {@code ws://} a method whose last calls
   * were all quick (64 in a row, twice as many each time it was slow after such a streak) runs on
   * the Netty event loop that read its request (unless a server interceptor is installed or an
   * earlier frame of the connection still waits): the one call with which it turns slow delays the
   * other connections of that event loop too, and after it the method needs a longer streak to
   * return.
   */
  AUTO,
  /**
   * On the transport's reader thread that received it. Saves a thread hand-off per call (the
   * fastest path for short methods), but a slow method then delays every later frame of that
   * connection, and a method must not wait for a later call from the same client (for example one
   * that client makes in answer to an event this method fires): that request is read only after the
   * method returns. What such a method may do is in docs/THREADING.md.
   */
  INLINE,
  /** On the server's executor: a slow method never delays other calls. */
  EXECUTOR
}
