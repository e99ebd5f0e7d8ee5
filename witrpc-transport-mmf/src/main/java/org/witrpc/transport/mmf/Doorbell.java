package org.witrpc.transport.mmf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
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
 * unread bytes cannot fill the socket buffer (where the reader thread itself waits on the socket,
 * it reads the bytes whenever it waits, and polls for them while a writer waits for space). Extra
 * bytes are harmless: a woken side always re-checks the ring. The socket is non-blocking, so a peer
 * that never reads it (only a hostile one could fill it) cannot block the thread that rings.
 *
 * <p>Thread safety: {@link #ring} and {@link #wakeup} may be called from any thread; {@link
 * #await}, {@link #awaitOnce} and {@link #poll} from one thread at a time (the connection's bell
 * thread, or its reader thread where that waits on the socket itself).
 */
final class Doorbell {
  static final byte DATA = 1;
  static final byte SPACE = 2;

  /** Returned by {@link #await} at the end of stream. */
  static final int END_OF_STREAM = -1;

  private static final Logger LOG = LoggerFactory.getLogger(Doorbell.class);

  private final SocketChannel channel;
  private final ByteBuffer incoming = ByteBuffer.allocate(64);
  private volatile Selector selector;

  Doorbell(SocketChannel channel) {
    this.channel = channel;
  }

  /**
   * Switches the socket to non-blocking mode: {@link #ring} never blocks (nor closes the socket
   * when the ringing thread is interrupted), and {@link #await} waits on a selector.
   */
  void open() throws IOException {
    channel.configureBlocking(false);
    Selector s = Selector.open();
    try {
      channel.register(s, SelectionKey.OP_READ);
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
    selector = s;
  }

  /**
   * Sends one signal byte without blocking. A failure means the peer is gone, which the bell thread
   * reports. A full socket buffer means the peer has not read its socket for a long time (an honest
   * peer has at most one unread byte per kind, see the class comment): the byte is dropped, as the
   * bytes already waiting there wake the peer when it reads again.
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
   * Blocks until at least one signal byte arrives.
   *
   * @return the bitwise or of the signal kinds received, or {@link #END_OF_STREAM}
   * @throws IOException if the socket fails or is closed locally
   */
  int await() throws IOException {
    while (true) {
      int kinds = awaitOnce();
      if (kinds != 0) {
        return kinds;
      }
    }
  }

  /**
   * Reads the signal bytes already there; if there are none, waits once on the selector (until a
   * byte, the end of stream, or {@link #wakeup}) and reads again.
   *
   * @return the bitwise or of the signal kinds received (0: none, woken for another reason), or
   *     {@link #END_OF_STREAM}
   * @throws IOException if the socket fails or is closed locally
   */
  int awaitOnce() throws IOException {
    int kinds = poll();
    if (kinds != 0) {
      return kinds;
    }
    Selector s = selector;
    s.select();
    s.selectedKeys().clear();
    if (!channel.isOpen()) {
      throw new AsynchronousCloseException();
    }
    return poll();
  }

  /**
   * Reads the signal bytes already there, without waiting.
   *
   * @return the bitwise or of the signal kinds received (0: none), or {@link #END_OF_STREAM}
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
      kinds |= incoming.get(i);
    }
    return kinds;
  }

  /**
   * Wakes the thread blocked in {@link #await} or {@link #awaitOnce} (or makes its next wait return
   * at once): to see the socket closed, or to look at the ring again.
   */
  void wakeup() {
    Selector s = selector;
    if (s != null) {
      s.wakeup();
    }
  }

  /** Releases the selector (the bell thread's last step). */
  void close() {
    Selector s = selector;
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        LOG.debug("closing the doorbell selector failed: {}", e.toString());
      }
    }
  }
}
