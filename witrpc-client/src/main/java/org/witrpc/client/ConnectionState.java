package org.witrpc.client;

/**
 * The life cycle of a {@link WitClient}'s connection:
 *
 * <pre>
 * DISCONNECTED -> CONNECTING -> READY -> RECONNECTING -> READY ...
 *      ^              |           |            |
 *      +--------------+-----------+ (no auto-  +-> FAILED (max attempts reached)
 *        (connect failed / lost)    reconnect)
 * any state -> CLOSED (close())
 * </pre>
 *
 * <p>Thread safety: immutable.
 */
public enum ConnectionState {
  /** Not connected: not yet connected, or the connection was lost without auto-reconnect. */
  DISCONNECTED,
  /** {@link WitClient#connect} is running: transport connect, handshake, re-subscription. */
  CONNECTING,
  /** Connected and authorized; calls are sent at once. */
  READY,
  /** The connection was lost; the client reconnects by itself (calls wait for READY). */
  RECONNECTING,
  /** Closed by {@link WitClient#close()}; final. */
  CLOSED,
  /** Auto-reconnect gave up after its maximum number of attempts; calls fail at once. */
  FAILED
}
