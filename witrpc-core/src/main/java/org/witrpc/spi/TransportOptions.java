package org.witrpc.spi;

import java.time.Duration;
import org.witrpc.internal.Limits;

/**
 * Settings every transport understands, passed by {@code WitServer} / {@code WitClient} to a
 * transport created from a URI. Each value is checked when it is set: a value out of range is an
 * {@link IllegalArgumentException} that names the setting, the value and the range.
 *
 * <p>Thread safety: immutable.
 */
public final class TransportOptions {
  /** Default maximum frame size: 256 MiB. */
  public static final int DEFAULT_MAX_FRAME_SIZE = 256 << 20;

  /**
   * Largest frame a connection accepts before the protocol layer calls {@link
   * Connection#allowLargeFrames()}: 16 KiB. Until a connection is READY (handshake and
   * authorization done) its peer is unauthenticated, and the handshake needs only small frames
   * (HELLO and HELLO_ACK well under 1 KiB, AUTH at most {@code Handshake.MAX_TOKEN_BYTES} = 8 KiB
   * of token plus header and GCM tag). Keeping this limit small means a peer that has not proved
   * anything cannot make a transport allocate more than this per connection, however large a frame
   * it announces.
   */
  public static final int HANDSHAKE_FRAME_LIMIT = 16 << 10;

  /** Default maximum number of connected clients per server. */
  public static final int DEFAULT_MAX_CLIENTS = 64;

  /**
   * Default send timeout: 10 s. Long enough for a garbage-collection pause or a busy peer, short
   * enough that a frozen peer is dropped before it stalls an application for long.
   */
  public static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(10);

  private static final TransportOptions DEFAULTS =
      new TransportOptions(DEFAULT_MAX_FRAME_SIZE, DEFAULT_MAX_CLIENTS, DEFAULT_SEND_TIMEOUT);

  private final int maxFrameSize;
  private final int maxClients;
  private final Duration sendTimeout;

  private TransportOptions(int maxFrameSize, int maxClients, Duration sendTimeout) {
    this.maxFrameSize = Limits.maxFrameSize(maxFrameSize);
    this.maxClients = Limits.maxClients(maxClients);
    this.sendTimeout = Limits.sendTimeout(sendTimeout);
  }

  /** The defaults: 256 MiB frames, 64 clients, a 10 s send timeout. */
  public static TransportOptions defaults() {
    return DEFAULTS;
  }

  /** Largest frame, in bytes, a connection accepts; larger ones are refused before allocation. */
  public int maxFrameSize() {
    return maxFrameSize;
  }

  /** Most clients a server transport keeps connected at once; the next one is refused. */
  public int maxClients() {
    return maxClients;
  }

  /**
   * How long a send may wait for a peer that takes none of its bytes (a full socket buffer or ring)
   * before the connection is closed as stalled ({@link SendStalledException}). Every byte the peer
   * takes restarts the count, so a slow but live peer is never cut off.
   */
  public Duration sendTimeout() {
    return sendTimeout;
  }

  /** A copy with another maximum frame size (at least 1 KiB). */
  public TransportOptions withMaxFrameSize(int maxFrameSize) {
    return new TransportOptions(maxFrameSize, maxClients, sendTimeout);
  }

  /** A copy with another maximum number of clients (at least 1). */
  public TransportOptions withMaxClients(int maxClients) {
    return new TransportOptions(maxFrameSize, maxClients, sendTimeout);
  }

  /** A copy with another send timeout (at least 1 ms). */
  public TransportOptions withSendTimeout(Duration sendTimeout) {
    return new TransportOptions(maxFrameSize, maxClients, sendTimeout);
  }

  @Override
  public String toString() {
    return "TransportOptions{maxFrameSize="
        + maxFrameSize
        + ", maxClients="
        + maxClients
        + ", sendTimeout="
        + sendTimeout
        + "}";
  }
}
