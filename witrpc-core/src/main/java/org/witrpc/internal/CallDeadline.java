package org.witrpc.internal;

import java.nio.ByteBuffer;

/**
 * The deadline that prefixes the body of REQUEST, SUBSCRIBE and UNSUBSCRIBE (protocol version 2):
 * an i64 big-endian wall-clock time in milliseconds since the Unix epoch after which the client no
 * longer waits for the answer; 0 means none. The peers of the local transports share one clock, so
 * a server that was frozen or queued the call past its deadline does not start it (status 504).
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
public final class CallDeadline {
  /** Size of the prefix in bytes. */
  public static final int SIZE = 8;

  /** The value that means "no deadline". */
  public static final long NONE = 0;

  private CallDeadline() {}

  /** Writes the deadline for a call that waits {@code timeoutNanos} more from now. */
  public static void write(FrameBuffer out, long timeoutNanos) {
    out.writeI64(System.currentTimeMillis() + Math.max(1, timeoutNanos / 1_000_000));
  }

  /** Reads the deadline (epoch milliseconds, or {@link #NONE}) from the start of a call body. */
  public static long read(ByteBuffer body) {
    return BodyReader.i64(body, "call deadline");
  }

  /** True if {@code deadlineMillis} is set and has passed. */
  public static boolean hasPassed(long deadlineMillis) {
    return deadlineMillis != NONE && System.currentTimeMillis() > deadlineMillis;
  }
}
