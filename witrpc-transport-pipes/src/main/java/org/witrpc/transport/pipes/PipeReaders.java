package org.witrpc.transport.pipes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads that read every {@code pipe://} connection of the process: one selector thread
 * ({@code witrpc-pipe-select}) waits on the sockets of all idle connections, and a cached pool of
 * reader threads ({@code witrpc-pipe-read-N}) takes a connection whose socket became readable,
 * delivers its frames and hands it back ({@link PipeConnection}). A pool thread left idle for
 * {@link #KEEP_ALIVE_SECONDS} ends. So the threads are a fixed one plus one per connection that is
 * being read at the moment, not one per connection end.
 *
 * <p>Created by the first connection that starts and shut down when the last one has delivered its
 * end ({@link #acquire}, {@link #release}): a process that closes all its pipes keeps no thread.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class PipeReaders {

  private static final Logger log = LoggerFactory.getLogger(PipeReaders.class);

  /** How long an idle reader thread stays for the next readable connection. */
  static final long KEEP_ALIVE_SECONDS = 2;

  private static final Object LOCK = new Object();
  private static final AtomicInteger READER_IDS = new AtomicInteger();

  private static PipeReaders current; // guarded by LOCK
  private static int users; // guarded by LOCK

  private final Selector selector;
  private final Thread selectorThread;
  private final ThreadPoolExecutor readers;

  private PipeReaders() throws IOException {
    selector = Selector.open();
    readers =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            KEEP_ALIVE_SECONDS,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            task -> {
              Thread thread = new Thread(task, "witrpc-pipe-read-" + READER_IDS.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    selectorThread = new Thread(this::selectLoop, "witrpc-pipe-select");
    selectorThread.setDaemon(true);
    selectorThread.start();
  }

  /** Takes a hold on the readers, starting them if no one holds them. */
  static PipeReaders acquire() {
    synchronized (LOCK) {
      if (current == null) {
        try {
          current = new PipeReaders();
        } catch (IOException e) {
          throw new UncheckedIOException("cannot open a selector for pipe connections", e);
        }
      }
      users++;
      return current;
    }
  }

  /** Gives back one hold; the last one stops the selector thread and the idle reader threads. */
  void release() {
    synchronized (LOCK) {
      if (this != current || --users > 0) {
        return;
      }
      current = null;
    }
    readers.shutdown();
    try {
      selector.close(); // ends the selector thread; deregisters (and so really closes) the sockets
    } catch (IOException e) {
      log.debug("closing the pipe selector failed", e);
    }
  }

  /**
   * Registers {@code channel} (non-blocking) for {@code connection}, not yet waiting for bytes:
   * {@link #awaitReadable} starts the wait.
   */
  SelectionKey register(SocketChannel channel, PipeConnection connection) throws IOException {
    SelectionKey key = channel.register(selector, 0, connection);
    selector.wakeup();
    return key;
  }

  /**
   * Hands an idle connection back to the selector thread: {@link PipeConnection#readable} is called
   * when its socket has bytes (or its end) to read. Costs nothing if it is still armed (a caller
   * read the connection, {@link PipeConnection#readUntil}, and the selector did not look).
   *
   * @throws CancelledKeyException if the connection was closed meanwhile
   */
  void awaitReadable(SelectionKey key) {
    if (key.interestOps() == SelectionKey.OP_READ) {
      return;
    }
    key.interestOps(SelectionKey.OP_READ);
    if (Thread.currentThread() != selectorThread) {
      selector.wakeup(); // the new interest takes effect with the selector's next select
    }
  }

  /** Runs {@code task} on a reader thread, a new one if none is idle. */
  void execute(Runnable task) {
    readers.execute(task);
  }

  /** Lets the selector flush the keys of closed sockets, so that their descriptors are released. */
  void wakeup() {
    selector.wakeup();
  }

  private void selectLoop() {
    try {
      while (true) {
        if (Thread.interrupted()) {
          // a status left by a listener that never blocks would make every select return at once
          log.debug("interrupt status of the pipe selector thread cleared");
        }
        selector.select();
        Set<SelectionKey> ready = selector.selectedKeys();
        // a connection delivered here may end and release the last hold: the selector closes
        for (Iterator<SelectionKey> keys = ready.iterator();
            keys.hasNext() && selector.isOpen(); ) {
          SelectionKey key = keys.next();
          try {
            key.interestOps(0); // one deliverer at a time: the connection is re-armed when idle
          } catch (CancelledKeyException e) {
            continue; // closed meanwhile; its closer delivers the end
          }
          try {
            ((PipeConnection) key.attachment()).readable();
          } catch (RuntimeException | Error e) {
            // the connection delivers its own failures and its end; what escapes (an Error from a
            // listener's onClosed, say) must not end the watch over every other connection
            log.error("a pipe connection failed on the selector thread", e);
          }
        }
        ready.clear();
      }
    } catch (ClosedSelectorException e) {
      // released by the last connection
    } catch (IOException | RuntimeException | Error e) {
      log.error("the pipe selector failed; pipe connections of this process stop reading", e);
    }
  }
}
