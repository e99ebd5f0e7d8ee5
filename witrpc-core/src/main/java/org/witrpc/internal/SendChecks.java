package org.witrpc.internal;

import java.nio.ByteBuffer;
import java.util.Objects;
import org.witrpc.WitTransportException;
import org.witrpc.spi.Connection;

/**
 * What a socket transport's {@link Connection#send} and {@link Connection#sendBefore} check before
 * they wait for their turn, and how {@code send} reports a caller interrupted while it waited, so
 * that every transport refuses the same frames with the same words.
 *
 * <p>Thread safety: stateless.
 */
public final class SendChecks {

  private SendChecks() {}

  /**
   * The length of the frame made of the remaining bytes of {@code parts}.
   *
   * @throws NullPointerException if {@code parts} or one of them is null
   * @throws WitTransportException if the frame is longer than {@code maxFrameSize}
   */
  public static int frameLength(String description, int maxFrameSize, ByteBuffer[] parts) {
    Objects.requireNonNull(parts, "parts == null");
    long length = 0;
    for (ByteBuffer part : parts) {
      length += Objects.requireNonNull(part, "parts contains null").remaining();
    }
    if (length > maxFrameSize) {
      throw new WitTransportException(
          description
              + ": cannot send a frame of "
              + length
              + " bytes: the maximum frame size is "
              + maxFrameSize
              + " bytes");
    }
    return (int) length;
  }

  /**
   * What {@link Connection#send} throws when the {@code sendBefore}-style send it made without a
   * deadline returned false: its caller was interrupted before any byte of the frame went out.
   */
  public static WitTransportException interruptedBeforeSending(String description) {
    return new WitTransportException(
        description + ": interrupted while waiting to send; nothing was sent");
  }
}
