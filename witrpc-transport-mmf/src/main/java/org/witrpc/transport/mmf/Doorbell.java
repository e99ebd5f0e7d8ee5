package org.witrpc.transport.mmf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one-byte signals between the two ends of a shared-memory connection, sent over the Unix
 * domain socket that also made the rendezvous. A {@link #DATA} byte asks for the reader of a peer
 * whose reader went idle because its ring was empty; a {@link #SPACE} byte wakes a peer writer
 * parked because its ring was full. The socket's end of stream means the peer closed or died.
 *
 * <p>A waiting side sets its waiting flag in the mapping, re-checks the ring, and only then waits;
 * the other side rings only after its compare-and-set of that flag from 1 to 0 succeeded ({@code
 * RingBuffer.publish} and {@code release}). Invariant: at most one byte per announcement, and a
 * waiter announces (sets the flag) at most once per wait, only after the previous one ended; so
 * under any two-way traffic the bytes in flight stay bounded by the waiter's waits, not by the
 * number of frames. Besides, the process's {@link DoorbellWaiter} reads every socket whenever it
 * has bytes, so unread bytes cannot fill the socket buffer. Extra bytes are harmless: a woken side
 * always re-checks the ring. The socket is non-blocking, so a peer that never reads it (only a
 * hostile one could fill it) cannot block the thread that rings.
 *
 * <p>Thread safety: {@link #ring} may be called from any thread; {@link #poll} from one thread at a
 * time (the {@link DoorbellWaiter}'s).
 */
final class Doorbell {
  static final byte DATA = 1;
  static final byte SPACE = 2;

  /** Returned by {@link #poll} at the end of stream. */
  static final int END_OF_STREAM = -1;

  private static final Logger LOG = LoggerFactory.getLogger(Doorbell.class);

  private final SocketChannel channel;
  private final ByteBuffer incoming = ByteBuffer.allocate(64);

  Doorbell(SocketChannel channel) {
    this.channel = channel;
  }

  /**
   * Switches the socket to non-blocking mode: {@link #ring} never blocks (nor closes the socket
   * when the ringing thread is interrupted), and the {@link DoorbellWaiter} can watch it.
   */
  void open() throws IOException {
    channel.configureBlocking(false);
  }

  /**
   * Sends one signal byte without blocking. A failure means the peer is gone, which the {@link
   * DoorbellWaiter} sees. A full socket buffer means the peer has not read its socket for a long
   * time (an honest peer has at most one unread byte per kind, see the class comment): the byte is
   * dropped, as the bytes already waiting there wake the peer when it reads again.
   */
  void ring(byte kind) {
    try {
      if (channel.write(ByteBuffer.wrap(new byte[] {kind})) == 0) {
        LOG.debug("doorbell not sent: the peer has not read its socket");
      }
    } catch (IOException e) {
      LOG.debug("doorbell not delivered (peer gone): {}", e.toString());
    }
  }

  /**
   * Reads the signal bytes already there, without waiting.
   *
   * @return the bitwise or of the signal bytes received, each read unsigned (0: none; never
   *     negative, whatever bytes a peer sends), or {@link #END_OF_STREAM}
   * @throws IOException if the socket fails or is closed locally
   */
  int poll() throws IOException {
    incoming.clear();
    int n = channel.read(incoming);
    if (n < 0) {
      return END_OF_STREAM;
    }
    int kinds = 0;
    for (int i = 0; i < n; i++) {
      // unsigned: a byte 0xFF sign-extended would read as END_OF_STREAM
      kinds |= incoming.get(i) & 0xFF;
    }
    return kinds;
  }
}
