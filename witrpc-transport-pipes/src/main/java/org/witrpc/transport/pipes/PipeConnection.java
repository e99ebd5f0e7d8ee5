package org.witrpc.transport.pipes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.WitTransportException;
import org.witrpc.spi.Connection;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.SendBudget;
import org.witrpc.spi.SendChecks;
import org.witrpc.spi.SendStalledException;

/**
 * One end of a pipe connection: length-prefixed frames ({@link PipeWire}) over a connected Unix
 * domain socket in non-blocking mode, read by one daemon thread that waits on a selector and
 * delivers frames to the {@link FrameListener}.
 *
 * <p>Sending: one sender at a time holds the send role and writes its whole frame as fast as the
 * socket takes it; while the socket buffer is full it waits on a second selector, bounded by its
 * {@link SendBudget}. A peer that takes no bytes for the send timeout is stalled: the connection is
 * closed with a {@link SendStalledException} and a WARN naming it. A caller that gives up (its
 * deadline, its interrupt) before writing withdraws its frame; one that gives up half-way hands the
 * rest of its frame, copied, to a short-lived thread that finishes it and then passes the role on,
 * so frames are never cut and an interrupt never closes the socket (non-blocking channel operations
 * are not interruptible).
 *
 * <p>Thread safety: {@link #send} may be called from any number of threads. {@link #close} is
 * idempotent and may be called from any thread, including the listener's. The listener is called
 * only from the reader thread, and never while a lock is held; {@code onClosed} is called exactly
 * once, after the last {@code onFrame}.
 */
final class PipeConnection implements Connection {

  private static final Logger log = LoggerFactory.getLogger(PipeConnection.class);

  /** How long {@link #close} waits for the reader thread to deliver {@code onClosed}. */
  private static final long CLOSE_WAIT_MILLIS = 2_000;

  private final SocketChannel channel;
  private final String description;
  private final int maxFrameSize;
  private final Duration sendTimeout;
  private final Consumer<PipeConnection> onRelease;
  private final Semaphore sendRole = new Semaphore(1);
  private final Object stateLock = new Object();
  private final FrameReader frames;

  private boolean closed; // guarded by stateLock
  private Throwable closeCause; // guarded by stateLock
  private Selector readSelector; // guarded by stateLock; used by the reader thread only
  private Selector writeSelector; // guarded by stateLock; used by the send role's holder only
  private volatile Thread reader;

  /**
   * @param onRelease called once, by whoever closes the connection first, before the listener's
   *     {@code onClosed}; must not call user code
   */
  PipeConnection(
      SocketChannel channel,
      String description,
      int maxFrameSize,
      Duration sendTimeout,
      Consumer<PipeConnection> onRelease) {
    this.channel = channel;
    this.description = description;
    this.maxFrameSize = maxFrameSize;
    this.sendTimeout = sendTimeout;
    this.onRelease = onRelease;
    this.frames = new FrameReader(new SelectingReads(), maxFrameSize, description);
  }

  /**
   * Switches the socket to non-blocking mode and starts the reader thread that delivers frames and
   * the end of the connection to listener.
   *
   * @throws IOException if the socket cannot be set up (the connection is then closed)
   */
  void start(FrameListener listener, String threadName) throws IOException {
    Objects.requireNonNull(listener, "listener == null");
    try {
      channel.configureBlocking(false);
      Selector selector = Selector.open();
      synchronized (stateLock) {
        readSelector = selector;
      }
      channel.register(selector, SelectionKey.OP_READ);
    } catch (IOException | RuntimeException e) {
      markClosed(new WitTransportException(description + ": cannot set up the socket: " + e, e));
      closeSelectors();
      throw e;
    }
    Thread thread = new Thread(() -> readLoop(listener), threadName);
    thread.setDaemon(true);
    reader = thread;
    thread.start();
  }

  @Override
  public void send(ByteBuffer... parts) {
    if (!sendFrame(0, false, parts)) {
      throw SendChecks.interruptedBeforeSending(description);
    }
  }

  @Override
  public boolean sendBefore(long deadlineNanos, ByteBuffer... parts) {
    return sendFrame(deadlineNanos, true, parts);
  }

  private boolean sendFrame(long deadlineNanos, boolean hasDeadline, ByteBuffer[] parts) {
    int length = SendChecks.frameLength(description, maxFrameSize, parts);
    ensureOpen();
    if (!SendBudget.takeTurn(sendRole, deadlineNanos, hasDeadline)) {
      return false;
    }
    FrameWriter frame = new FrameWriter(length, parts);
    SendBudget budget = null;
    boolean handedOver = false;
    try {
      while (true) {
        ensureOpen();
        if (frame.writeSome(channel) > 0 && budget != null) {
          budget.progress();
        }
        if (frame.done()) {
          return true;
        }
        if (budget == null) {
          // the first wait for this frame: the send timeout counts from here
          budget =
              hasDeadline
                  ? SendBudget.until(deadlineNanos, sendTimeout)
                  : SendBudget.untilInterrupted(sendTimeout);
        }
        awaitWritable(budget.waitNanos());
      }
    } catch (SendBudget.GiveUp giveUp) {
      if (!frame.started()) {
        return false;
      }
      try {
        frame.detach();
        finishInBackground(frame);
      } catch (Throwable e) {
        // no copy or no thread: the frame cannot be finished, so the stream cannot go on
        markClosed(new WitTransportException(description + ": cannot finish a frame: " + e, e));
        throw e;
      }
      handedOver = true;
      return true;
    } catch (SendStalledException e) {
      throw stalled(e);
    } catch (IOException e) {
      WitTransportException failure =
          new WitTransportException(
              description
                  + (e instanceof ClosedChannelException
                      ? ": the connection is closed"
                      : ": sending failed, closing the connection: " + e.getMessage()),
              e);
      markClosed(failure);
      throw failure;
    } catch (RuntimeException | Error e) {
      if (frame.started()) {
        markClosed(new WitTransportException(description + ": a frame was cut short: " + e, e));
      }
      throw e;
    } finally {
      if (!handedOver) {
        sendRole.release();
      }
    }
  }

  /** Waits until the socket is writable, the wait is over, or the connection closes. */
  private void awaitWritable(long nanos) throws IOException {
    Selector selector = writeSelector();
    try {
      selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999)));
      selector.selectedKeys().clear();
    } catch (ClosedSelectorException e) {
      ensureOpen(); // closed meanwhile
    }
  }

  private Selector writeSelector() throws IOException {
    synchronized (stateLock) {
      if (closed) {
        throw new ClosedChannelException();
      }
      if (writeSelector == null) {
        Selector selector = Selector.open();
        try {
          channel.register(selector, SelectionKey.OP_WRITE);
        } catch (IOException | RuntimeException e) {
          selector.close();
          throw e;
        }
        writeSelector = selector;
      }
      return writeSelector;
    }
  }

  /**
   * Finishes a frame whose sender gave up half-way, on a thread of its own that holds the send role
   * until the frame is out (or the peer stalls), then passes it on.
   */
  private void finishInBackground(FrameWriter frame) {
    Thread finisher =
        new Thread(
            () -> {
              SendBudget budget = SendBudget.background(sendTimeout);
              try {
                while (!frame.done()) {
                  ensureOpen();
                  if (frame.writeSome(channel) > 0) {
                    budget.progress();
                  } else {
                    awaitWritable(budget.waitNanos());
                  }
                }
              } catch (SendStalledException e) {
                stalled(e);
              } catch (IOException | RuntimeException e) {
                markClosed(
                    new WitTransportException(
                        description + ": finishing a frame failed: " + e.getMessage(), e));
              } finally {
                sendRole.release();
              }
            },
            "witrpc-pipe-send-" + description);
    finisher.setDaemon(true);
    finisher.start();
  }

  private SendStalledException stalled(SendStalledException cause) {
    SendStalledException e =
        new SendStalledException(description + ": " + cause.getMessage() + "; disconnecting it");
    if (markClosed(e)) {
      log.warn("{}", e.getMessage());
    }
    return e;
  }

  private void ensureOpen() {
    synchronized (stateLock) {
      if (closed) {
        throw new WitTransportException(
            description
                + ": the connection is closed"
                + (closeCause != null ? ": " + closeCause.getMessage() : ""),
            closeCause);
      }
    }
  }

  @Override
  public void allowLargeFrames() {
    frames.allowLargeFrames();
  }

  @Override
  public boolean isOpen() {
    synchronized (stateLock) {
      return !closed;
    }
  }

  @Override
  public void close() {
    if (!markClosed(null)) {
      return; // closed before (or failed): whoever closed it first waited for the reader
    }
    Thread thread = reader;
    if (thread != null && thread != Thread.currentThread()) {
      try {
        thread.join(CLOSE_WAIT_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (thread.isAlive()) {
        log.warn(
            "{}: closed, but its listener has not returned after {} ms",
            description,
            CLOSE_WAIT_MILLIS);
      }
    }
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public String toString() {
    return description;
  }

  private void readLoop(FrameListener listener) {
    WitTransportException failure = null;
    try {
      while (isOpen()) {
        ByteBuffer frame = frames.next();
        if (frame == null) {
          failure = new WitTransportException(description + ": the peer closed the connection");
          break;
        }
        if (!isOpen()) {
          break;
        }
        try {
          listener.onFrame(frame);
        } catch (RuntimeException e) {
          log.warn("{}: FrameListener.onFrame threw; the frame is dropped", description, e);
        }
      }
    } catch (WitTransportException e) {
      failure = e;
    } catch (AsynchronousCloseException | ClosedSelectorException e) {
      // closed locally (or by a failed send) while waiting
    } catch (IOException e) {
      failure = new WitTransportException(description + ": connection lost: " + e.getMessage(), e);
    } catch (OutOfMemoryError e) {
      failure = new WitTransportException(description + ": no memory for a frame: " + e, e);
    } catch (Throwable e) {
      // an Error from the listener (a StackOverflowError, a LinkageError): the connection can no
      // longer be trusted to be in step, so it ends here instead of losing its reader silently
      log.error("{}: the reader failed; closing the connection", description, e);
      failure = new WitTransportException(description + ": the reader failed: " + e, e);
    }
    if (markClosed(failure) && failure != null) {
      log.debug("{}", failure.getMessage());
    }
    closeSelectors();
    Throwable cause;
    synchronized (stateLock) {
      cause = closeCause;
    }
    try {
      listener.onClosed(cause);
    } catch (RuntimeException e) {
      log.warn("{}: FrameListener.onClosed threw", description, e);
    }
  }

  /** Closes both selectors once the connection is closed (the reader's last step). */
  private void closeSelectors() {
    Selector read;
    Selector write;
    synchronized (stateLock) {
      read = readSelector;
      write = writeSelector;
      readSelector = null;
      writeSelector = null;
    }
    closeQuietly(read);
    closeQuietly(write);
  }

  private void closeQuietly(Selector selector) {
    if (selector != null) {
      try {
        selector.close();
      } catch (IOException e) {
        log.debug("{}: closing a selector failed", description, e);
      }
    }
  }

  /** Closes the socket and records why; false if the connection was already closed. */
  private boolean markClosed(Throwable cause) {
    Selector read;
    Selector write;
    synchronized (stateLock) {
      if (closed) {
        return false;
      }
      closed = true;
      closeCause = cause;
      read = readSelector;
      write = writeSelector;
    }
    try {
      channel.close();
    } catch (IOException e) {
      log.debug("{}: closing the socket failed", description, e);
    }
    // wake the reader and a waiting sender: both see the close and leave
    if (read != null) {
      read.wakeup();
    }
    if (write != null) {
      write.wakeup();
    }
    onRelease.accept(this);
    return true;
  }

  /**
   * The socket as a blocking {@link ReadableByteChannel} for the {@link FrameReader}: a read that
   * finds nothing waits on the reader's selector until bytes arrive or the connection closes.
   */
  private final class SelectingReads implements ReadableByteChannel {
    /** Whether the last read filled its buffer: then more bytes are likely waiting already. */
    private boolean lastReadFilled = true;

    @Override
    public int read(ByteBuffer dst) throws IOException {
      // After a short read the socket is most likely empty: wait first, then read (two system
      // calls per frame, not a failing read, the wait and the read).
      boolean waitFirst = !lastReadFilled;
      while (true) {
        if (waitFirst) {
          awaitReadable();
        }
        int wanted = dst.remaining();
        int n = channel.read(dst);
        if (n != 0 || wanted == 0) {
          lastReadFilled = n == wanted;
          return n;
        }
        waitFirst = true;
      }
    }

    private void awaitReadable() throws IOException {
      Selector selector;
      synchronized (stateLock) {
        if (closed) {
          throw new AsynchronousCloseException();
        }
        selector = readSelector;
      }
      // The reader thread belongs to the transport: an interrupt status left by a listener (an
      // inline service method restoring an interrupt) would make every select return at once.
      if (Thread.interrupted()) {
        log.debug("{}: interrupt status of the reader cleared", description);
      }
      selector.select();
      selector.selectedKeys().clear();
    }

    @Override
    public boolean isOpen() {
      return channel.isOpen();
    }

    @Override
    public void close() {
      // the connection closes the socket
    }
  }
}
