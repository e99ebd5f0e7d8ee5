package org.witrpc.transport.mmf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread per process ({@code witrpc-mmf-doorbells}) that waits on the doorbell sockets of
 * all {@code mmf://} connections, server and client ends alike: a selector over their {@link
 * SocketChannel}s. When a socket has something to read (a {@link Doorbell} byte, or the end of
 * stream because the peer closed or died) it runs the callback the connection registered, which
 * reads the socket without blocking and acts at once: so an idle connection needs no thread of its
 * own, and a connection whose reader is busy (an inline service method that blocks) still sees
 * SPACE bytes and the peer's death.
 *
 * <p>Started by the first connection that {@link #acquire}s it and ended {@link #KEEP_ALIVE_MS}
 * after the last one {@link #release}s it (unless a connection acquires it again meanwhile), so a
 * process that has closed all its connections keeps no {@code witrpc-mmf} thread, and one that
 * connects again soon after a close (a reconnect, a short-lived client) starts no thread and opens
 * no selector for it.
 *
 * <p>The callbacks run on this thread and must not block: they read a few bytes, unpark a thread,
 * hand a task to {@link MmfThreads}, or deliver at most one round of frames to a listener that
 * never blocks. A callback that throws ends its own connection ({@link Watcher#watchFailed}), not
 * the waiter; if the selector itself fails, every connection it watched ends and the next one
 * starts a new waiter.
 *
 * <p>A channel closed while registered keeps its file descriptor until the selector drops the key
 * (JDK behaviour), so the peer sees the end of stream only then: whoever closes a registered
 * channel calls {@link #wakeup} right after.
 *
 * <p>Thread safety: all methods may be called from any thread (JDK 11 and later let a channel
 * register while a selection is in progress).
 */
final class DoorbellWaiter {
  private static final Logger LOG = LoggerFactory.getLogger(DoorbellWaiter.class);
  private static final Object LOCK = new Object();

  /** How long the waiter outlives its last connection, as the {@link MmfThreads} workers do. */
  static final long KEEP_ALIVE_MS = MmfThreads.KEEP_ALIVE_MS;

  private static DoorbellWaiter current; // guarded by LOCK

  private final Selector selector;
  private int users; // guarded by LOCK
  private long idleSince; // guarded by LOCK: when users fell to 0

  private DoorbellWaiter() {
    idleSince = System.nanoTime();
    try {
      selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the mmf doorbell selector", e);
    }
    Thread t = new Thread(this::run, "witrpc-mmf-doorbells");
    t.setDaemon(true);
    t.start();
  }

  /** Takes a hold on the process's waiter, starting it if none runs; see {@link #release}. */
  static DoorbellWaiter acquire() {
    synchronized (LOCK) {
      if (current == null) {
        current = new DoorbellWaiter();
      }
      current.users++;
      return current;
    }
  }

  /**
   * Gives back one hold; {@link #KEEP_ALIVE_MS} after the last one the thread ends (and so closes
   * its channels for good) unless a connection has taken a hold again.
   */
  void release() {
    synchronized (LOCK) {
      if (--users > 0) {
        return;
      }
      idleSince = System.nanoTime();
    }
    selector.wakeup(); // the waiter times its idleness from now
  }

  /** What a connection registers: its reaction to doorbell bytes, and to its own failure. */
  interface Watcher {
    /** The socket has bytes or has reached its end of stream: act on them without blocking. */
    void onReadable();

    /**
     * {@link #onReadable} threw (a defect, or an {@link Error} such as an {@code
     * OutOfMemoryError}): the connection is no longer watched and must end. Must not throw.
     */
    void watchFailed(Throwable cause);
  }

  /**
   * Watches {@code channel} (non-blocking) until it is closed: {@code watcher} runs on the waiter's
   * thread whenever the socket has bytes or has reached its end of stream.
   *
   * @throws ClosedChannelException if the channel is already closed
   */
  void register(SocketChannel channel, Watcher watcher) throws ClosedChannelException {
    channel.register(selector, SelectionKey.OP_READ, watcher);
    selector.wakeup(); // the selection in progress does not see keys registered after it began
  }

  /** Makes the selector drop the keys of closed channels now (which closes their sockets). */
  void wakeup() {
    selector.wakeup();
  }

  private void run() {
    try {
      while (true) {
        long idleMillisLeft = idleMillisLeft();
        if (idleMillisLeft < 0) {
          break;
        }
        try {
          // 0: held by a connection, no timeout; else wait out the rest of the keep-alive
          selector.select(idleMillisLeft);
        } catch (IOException e) {
          LOG.warn("mmf doorbell selector failed; retrying: {}", e.toString());
          continue;
        }
        for (SelectionKey key : selector.selectedKeys()) {
          dispatch(key);
        }
        selector.selectedKeys().clear();
      }
    } catch (RuntimeException | Error e) {
      // Not from a watcher (dispatch keeps those to their connection): the selector itself. Every
      // connection it watched would be deaf from now on, so each one ends, and the next connection
      // starts a new waiter.
      LOG.error("mmf doorbell waiter failed; ending the connections it watched", e);
      forget();
      for (SelectionKey key : selector.keys()) {
        failWatch(key, e);
      }
    } finally {
      forget();
      try {
        selector.close(); // drops the keys of the channels closed last, which closes their sockets
      } catch (IOException e) {
        LOG.debug("closing the mmf doorbell selector failed: {}", e.toString());
      }
    }
  }

  /**
   * Runs one connection's watcher; whatever it throws ends that connection only, never the watch
   * over every other one. A key whose channel is already closed is cancelled instead: on JDK 17
   * such a key was seen still valid and selected over and over (the peer's end of stream keeps the
   * socket readable), so this thread spun, up to a thousand times per connect, until the
   * connection's last step released the waiter.
   */
  private static void dispatch(SelectionKey key) {
    if (!key.channel().isOpen()) {
      key.cancel(); // the next selection drops it, which closes the socket for good
      return;
    }
    try {
      ((Watcher) key.attachment()).onReadable();
    } catch (RuntimeException | Error e) {
      LOG.error("mmf doorbell callback failed; ending its connection", e);
      failWatch(key, e);
    }
  }

  private static void failWatch(SelectionKey key, Throwable cause) {
    key.cancel();
    try {
      ((Watcher) key.attachment()).watchFailed(cause);
    } catch (RuntimeException | Error e) {
      LOG.error("mmf doorbell: ending a failed connection failed", e);
    }
  }

  /**
   * 0 while a connection holds the waiter; otherwise the milliseconds of keep-alive left (at least
   * 1), or -1 once it has passed: then the waiter is forgotten (a connection acquiring it from now
   * on starts a new one) and its thread ends.
   */
  private long idleMillisLeft() {
    synchronized (LOCK) {
      if (users > 0) {
        return 0;
      }
      long left = TimeUnit.MILLISECONDS.toNanos(KEEP_ALIVE_MS) - (System.nanoTime() - idleSince);
      if (left <= 0) {
        forget();
        return -1;
      }
      return Math.max(1, TimeUnit.NANOSECONDS.toMillis(left));
    }
  }

  /** A waiter that stops, or has failed, is not handed to new connections. */
  private void forget() {
    synchronized (LOCK) {
      if (current == this) {
        current = null;
      }
    }
  }
}
