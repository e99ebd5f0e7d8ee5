package org.witrpc.transport.mmf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one-byte signals between the two ends of a shared-memory connection, sent over the Unix
 * domain socket that also made the rendezvous. A {@link #DATA} byte wakes a peer reader parked
 * because its ring was empty; a {@link #SPACE} byte wakes a peer writer parked because its ring was
 * full. The socket's end of stream means the peer closed or died.
 *
 * <p>A waiting side sets its waiting flag in the mapping, re-checks the ring, and only then parks;
 * the other side rings only after its compare-and-set of that flag from 1 to 0 succeeded ({@code
 * RingBuffer.publish} and {@code release}). Invariant: at most one byte per announcement, and a
 * waiter announces (sets the flag) at most once per park, only after it woke up from the previous
 * one; so under any two-way traffic the bytes in flight stay bounded by the waiter's parks, not by
 * the number of frames. Besides, the connection's bell thread reads the socket all the time, so
 * unread bytes cannot fill the socket buffer. Extra bytes are harmless: a woken side always
 * re-checks the ring.
 *
 * <p>Thread safety: {@link #ring} may be called from any thread; {@link #await} from one thread at
 * a time (the connection's bell thread).
 */
final class Doorbell {
  static final byte DATA = 1;
  static final byte SPACE = 2;

  /** Returned by {@link #await} at the end of stream. */
  static final int END_OF_STREAM = -1;

  private static final Logger LOG = LoggerFactory.getLogger(Doorbell.class);

  private final SocketChannel channel;
  private final ByteBuffer incoming = ByteBuffer.allocate(64);

  Doorbell(SocketChannel channel) {
    this.channel = channel;
  }

  /** Sends one signal byte; a failure means the peer is gone, which the reader reports. */
  void ring(byte kind) {
    try {
      channel.write(ByteBuffer.wrap(new byte[] {kind}));
    } catch (IOException e) {
      LOG.debug("doorbell not delivered (peer gone): {}", e.toString());
    }
  }

  /**
   * Blocks until at least one signal byte arrives.
   *
   * @return the bitwise or of the signal kinds received, or {@link #END_OF_STREAM}
   * @throws IOException if the socket fails or is closed locally
   */
  int await() throws IOException {
    incoming.clear();
    int n = channel.read(incoming);
    if (n < 0) {
      return END_OF_STREAM;
    }
    int kinds = 0;
    for (int i = 0; i < n; i++) {
      kinds |= incoming.get(i);
    }
    return kinds;
  }
}
