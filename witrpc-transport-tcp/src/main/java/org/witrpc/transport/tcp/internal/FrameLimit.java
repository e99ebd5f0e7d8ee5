package org.witrpc.transport.tcp.internal;

import org.witrpc.spi.TransportOptions;

/**
 * The largest frame a connection accepts now: {@link TransportOptions#HANDSHAKE_FRAME_LIMIT} until
 * the protocol layer calls {@link org.witrpc.spi.Connection#allowLargeFrames()}, then the maximum
 * frame size. The decoder checks each announced length against it before allocating.
 *
 * <p>Thread safety: {@link #raise} may be called from any thread; the decoder sees it at its next
 * frame.
 */
public final class FrameLimit {
  private final int maxFrameSize;
  private volatile int current;
  private volatile boolean raised;

  public FrameLimit(int maxFrameSize) {
    this.maxFrameSize = maxFrameSize;
    this.current = Math.min(maxFrameSize, TransportOptions.HANDSHAKE_FRAME_LIMIT);
  }

  /** Lifts the limit to the maximum frame size. Idempotent. */
  public void raise() {
    current = maxFrameSize;
    raised = true;
  }

  /** Whether {@link #raise} was called: the protocol layer found the connection READY. */
  public boolean raised() {
    return raised;
  }

  public int current() {
    return current;
  }

  /**
   * The refusal of a frame of {@code length} bytes (negative: read as unsigned) above {@code
   * limit}.
   */
  public String refusal(String description, long length, int limit) {
    return description
        + ": the peer announced a frame of "
        + length
        + " bytes, above "
        + (limit < maxFrameSize
            ? "the limit before the connection is ready (handshake) of "
            : "the maximum frame size of ")
        + limit
        + " bytes; closing the connection";
  }
}
