package org.witrpc.transport.pipes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.WitTransportException;
import org.witrpc.internal.SendBudget;
import org.witrpc.internal.SendChecks;
import org.witrpc.spi.Connection;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.SendStalledException;

/**
 * One end of a pipe connection: length-prefixed frames ({@link PipeWire}) over a connected Unix
 * domain socket in non-blocking mode, read by the process's shared {@link PipeReaders}.
 *
 * <p>Reading: while the connection is idle its socket waits in the shared selector. When bytes
 * arrive, the selector thread hands the connection to one deliverer, which reads and delivers its
 * frames one at a time, in order, until the socket is empty, and then hands it back. The deliverer
 * of a listener that {@linkplain FrameListener#neverBlocks never blocks} (a client's) is the
 * selector thread itself; any other listener (a server's, which may run an inline method that
 * blocks) gets a pool thread, which polls the empty socket for {@link #POLL_NANOS} before handing
 * the connection back, so that a request that follows a reply costs no thread wake-up. A listener
 * that blocks holds only its own connection's pool thread. A client caller waiting for its reply
 * may be the deliverer instead ({@link #readUntil}), which saves the reply's wake-up.
 *
 * <p>Sending: one sender at a time holds the send role and writes its whole frame as fast as the
 * socket takes it; while the socket buffer is full it waits on a selector of its own, bounded by
 * its {@link SendBudget}. A peer that takes no bytes for the send timeout is stalled: the
 * connection is closed with a {@link SendStalledException} and a WARN naming it. A caller that
 * gives up (its deadline, its interrupt) before writing withdraws its frame; one that gives up
 * half-way hands the rest of its frame, copied, to a short-lived thread that finishes it and then
 * passes the role on, so frames are never cut and an interrupt never closes the socket
 * (non-blocking channel operations are not interruptible).
 *
 * <p>Thread safety: {@link #send} may be called from any number of threads. {@link #close} is
 * idempotent and may be called from any thread, including the listener's. The listener is called by
 * one deliverer at a time (the hand-over orders them), never while a lock is held; {@code onClosed}
 * is called exactly once, after the last {@code onFrame}.
 */
final class PipeConnection implements Connection {

  private static final Logger log = LoggerFactory.getLogger(PipeConnection.class);

  /** How long {@link #close} waits for the deliverer to deliver {@code onClosed}. */
  private static final long CLOSE_WAIT_MILLIS = 2_000;

  /**
   * How long a pool thread polls the empty socket for the next frame before it hands the connection
   * back to the selector, so that a client's next request is read without waking a thread: long
   * enough for a client whose reply cost it two wake-ups on a loaded machine. (With 50 us a missed
   * poll made the next request cost two wake-ups here, so the next poll missed too.)
   */
  static final long POLL_NANOS = 200_000;

  /**
   * Frames the selector thread delivers to a listener that never blocks before it hands the rest of
   * a burst to a reader thread: it watches every pipe connection of the process.
   */
  private static final int FRAMES_ON_SELECTOR = 64;

  /**
   * Turns to poll an empty socket ({@link #POLL_NANOS}), one per core but one, at least one, for
   * all the pipe connections of the process: more pollers than spare cores would take the CPU from
   * the work they wait for. A reader without a turn hands its connection back at once.
   */
  private static final Semaphore POLL_TURNS =
      new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors() - 1));

  private final SocketChannel channel;
  private final String description;
  private final int maxFrameSize;
  private final Duration sendTimeout;
  private final Consumer<PipeConnection> onRelease;
  private final Semaphore sendRole = new Semaphore(1);
  private final Object stateLock = new Object();
  private final FrameReader frames;

  private final CountDownLatch ended = new CountDownLatch(1);

  private boolean closed; // guarded by stateLock
  private Throwable closeCause; // guarded by stateLock
  private Selector writeSelector; // guarded by stateLock; used by the send role's holder only
  private boolean started; // guarded by stateLock
  private boolean delivering; // guarded by stateLock: a thread reads and delivers right now
  private volatile Thread deliverer; // the thread delivering right now, if any
  private FrameListener listener; // set by start, before the first delivery
  private PipeReaders readers; // set by start
  private SelectionKey key; // set by start

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
    this.frames = new FrameReader(channel, maxFrameSize, description);
  }

  /**
   * Switches the socket to non-blocking mode and hands it to the shared readers, which deliver its
   * frames and its end to {@code listener}.
   *
   * <p>A connection closed before it starts (by the acceptor, or by another thread it gave the
   * connection to) starts only to deliver {@code onClosed}.
   *
   * @throws IOException if the socket cannot be set up (the connection is then closed)
   */
  void start(FrameListener listener) throws IOException {
    Objects.requireNonNull(listener, "listener == null");
    PipeReaders shared = PipeReaders.acquire();
    SelectionKey registered = null;
    try {
      channel.configureBlocking(false);
      registered = shared.register(channel, this);
    } catch (IOException | RuntimeException e) {
      if (isOpen()) {
        shared.release();
        markClosed(new WitTransportException(description + ": cannot set up the socket: " + e, e));
        closeWriteSelector();
        throw e;
      }
      // closed meanwhile, its socket with it: its closer found it not started and left the end here
    }
    boolean closedMeanwhile;
    synchronized (stateLock) {
      this.listener = listener;
      this.readers = shared;
      this.key = registered;
      started = true;
      closedMeanwhile = closed;
      delivering = closedMeanwhile;
    }
    if (closedMeanwhile) {
      deliverEndElsewhere(shared);
      return;
    }
    try {
      awaitReadable();
    } catch (CancelledKeyException e) {
      // closed meanwhile: the closer found the connection idle and delivers the end
    }
  }

  @Override
  public int maxSendFrameSize() {
    return maxFrameSize;
  }

  @Override
  public int maxReceiveFrameSize() {
    return maxFrameSize;
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
      return; // closed before (or failed): whoever closed it first waited for the end
    }
    if (deliverer == Thread.currentThread() || !isStarted()) {
      return; // called by the listener: its deliverer delivers the end when it returns
    }
    try {
      if (!ended.await(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
        log.warn(
            "{}: closed, but its listener has not returned after {} ms",
            description,
            CLOSE_WAIT_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean isStarted() {
    synchronized (stateLock) {
      return started;
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

  /**
   * Called by the selector thread when the idle connection's socket is readable: hands it to its
   * deliverer.
   */
  void readable() {
    synchronized (stateLock) {
      if (delivering || !started) {
        return; // closed meanwhile: its closer delivers the end
      }
      delivering = true;
    }
    if (listener.neverBlocks()) {
      // on the selector thread, which watches every pipe connection: a burst beyond one round of
      // frames goes on on a reader thread
      deliver(false, FRAMES_ON_SELECTOR);
      return;
    }
    try {
      readers.execute(() -> deliver(true, Integer.MAX_VALUE));
    } catch (RuntimeException | OutOfMemoryError e) {
      // no thread for the reader: the connection cannot be read, so it ends (on this thread)
      markClosed(new WitTransportException(description + ": no thread to read it: " + e, e));
      finish(null);
    }
  }

  /**
   * Reads and delivers frames until the socket is empty (polling it for {@link #POLL_NANOS} first
   * if {@code poll} and a poll turn is free), then hands the connection back to the selector; or,
   * at the end of the connection, delivers {@code onClosed}. After {@code maxFrames} frames the
   * rest goes on on a reader thread.
   */
  private void deliver(boolean poll, int maxFrames) {
    deliverer = Thread.currentThread();
    WitTransportException failure = null;
    boolean pollTurn = false;
    try {
      long pollDeadline = 0;
      boolean polling = false;
      int delivered = 0;
      while (isOpen()) {
        if (deliverNext()) {
          polling = false;
          pollTurn = giveBack(pollTurn);
          if (++delivered >= maxFrames && continueElsewhere()) {
            return;
          }
        } else if (frames.ended()) {
          failure = peerClosed();
          break;
        } else if (poll && !polling) {
          polling = true;
          pollTurn = POLL_TURNS.tryAcquire(); // without a turn: no poll, the connection goes back
          pollDeadline = System.nanoTime() + POLL_NANOS;
        } else if (pollTurn && System.nanoTime() - pollDeadline < 0) {
          Thread.onSpinWait();
        } else {
          pollTurn = giveBack(pollTurn);
          if (handBack()) {
            return;
          }
        }
      }
    } catch (Throwable e) {
      failure = failureOf(e);
    } finally {
      giveBack(pollTurn);
    }
    finish(failure);
  }

  /** Gives a poll turn back if {@code held}; returns false (no turn held any more). */
  private static boolean giveBack(boolean held) {
    if (held) {
      POLL_TURNS.release();
    }
    return false;
  }

  /**
   * Hands the rest of a delivery to a reader thread (still one deliverer at a time).
   *
   * @return false if no thread can start: the caller goes on delivering
   */
  private boolean continueElsewhere() {
    try {
      readers.execute(() -> deliver(false, Integer.MAX_VALUE));
      return true;
    } catch (RuntimeException | OutOfMemoryError e) {
      return false;
    }
  }

  /**
   * A waiting caller reads the socket itself while no one else delivers, so that its reply costs no
   * thread wake-up; see {@link Connection#readUntil}. The socket stays armed in the selector
   * meanwhile: if the selector finds it readable, it leaves the frames to this caller.
   */
  @Override
  public boolean readUntil(BooleanSupplier done, long deadlineNanos) {
    synchronized (stateLock) {
      if (closed || !started || delivering) {
        return done.getAsBoolean();
      }
      delivering = true;
    }
    deliverer = Thread.currentThread();
    WitTransportException failure = null;
    try {
      while (isOpen() && !done.getAsBoolean()) {
        if (deliverNext()) {
          continue;
        }
        if (frames.ended()) {
          failure = peerClosed();
          break;
        }
        if (System.nanoTime() - deadlineNanos >= 0) {
          break;
        }
        Thread.onSpinWait();
      }
      // frames that came in the same read as the reply: the socket will not say they are there
      while (failure == null && isOpen() && frames.hasBufferedFrame()) {
        deliverNext();
      }
      if (failure == null && handBack()) {
        return done.getAsBoolean();
      }
    } catch (Throwable e) {
      failure = failureOf(e);
    }
    finish(failure);
    return done.getAsBoolean();
  }

  /** Reads the next frame and delivers it; false if no whole frame has arrived (or the end). */
  private boolean deliverNext() throws IOException {
    ByteBuffer frame = frames.next();
    if (frame == null) {
      return false;
    }
    if (isOpen()) {
      try {
        listener.onFrame(frame);
      } catch (RuntimeException e) {
        log.warn("{}: FrameListener.onFrame threw; the frame is dropped", description, e);
      }
    }
    return true;
  }

  private WitTransportException peerClosed() {
    return new WitTransportException(description + ": the peer closed the connection");
  }

  /** Why reading ended, for {@code onClosed}; null if the connection was closed locally. */
  private WitTransportException failureOf(Throwable e) {
    if (e instanceof WitTransportException failure) {
      return failure;
    }
    if (e instanceof ClosedChannelException) {
      return null; // closed locally (or by a failed send) while reading
    }
    if (e instanceof IOException) {
      return new WitTransportException(description + ": connection lost: " + e.getMessage(), e);
    }
    if (e instanceof OutOfMemoryError) {
      return new WitTransportException(description + ": no memory for a frame: " + e, e);
    }
    // an Error from the listener (a StackOverflowError, a LinkageError): the connection can no
    // longer be trusted to be in step, so it ends here instead of losing its reader silently
    log.error("{}: the reader failed; closing the connection", description, e);
    return new WitTransportException(description + ": the reader failed: " + e, e);
  }

  /**
   * Gives the idle connection back to the selector; false if it was closed meanwhile (then this
   * deliverer delivers the end).
   */
  private boolean handBack() {
    synchronized (stateLock) {
      if (closed) {
        return false;
      }
      deliverer = null;
      delivering = false;
    }
    try {
      awaitReadable();
    } catch (CancelledKeyException e) {
      // closed since: the closer found the connection idle and delivers the end
    }
    return true;
  }

  private void awaitReadable() {
    readers.awaitReadable(key);
  }

  /** The end: closes what is left, delivers {@code onClosed} once and lets go of the readers. */
  private void finish(WitTransportException failure) {
    deliverer = Thread.currentThread();
    if (markClosed(failure) && failure != null) {
      log.debug("{}", failure.getMessage());
    }
    closeWriteSelector();
    Throwable cause;
    synchronized (stateLock) {
      cause = closeCause;
    }
    try {
      listener.onClosed(cause);
    } catch (RuntimeException e) {
      log.warn("{}: FrameListener.onClosed threw", description, e);
    } finally {
      ended.countDown();
      readers.release();
    }
  }

  /** Delivers the end of an idle connection on a reader thread (or here, if none can start). */
  private void deliverEndElsewhere(PipeReaders shared) {
    try {
      shared.execute(() -> finish(null));
    } catch (RuntimeException | OutOfMemoryError e) {
      finish(null);
    }
  }

  /** Closes the send role's selector once the connection is closed. */
  private void closeWriteSelector() {
    Selector write;
    synchronized (stateLock) {
      write = writeSelector;
      writeSelector = null;
    }
    if (write != null) {
      try {
        write.close();
      } catch (IOException e) {
        log.debug("{}: closing a selector failed", description, e);
      }
    }
  }

  /**
   * Closes the socket and records why; false if the connection was already closed. If no one is
   * delivering at the moment, a reader thread delivers the end.
   */
  private boolean markClosed(Throwable cause) {
    Selector write;
    PipeReaders shared;
    boolean deliverEnd;
    synchronized (stateLock) {
      if (closed) {
        return false;
      }
      closed = true;
      closeCause = cause;
      write = writeSelector;
      shared = readers;
      deliverEnd = started && !delivering;
      delivering |= deliverEnd;
    }
    try {
      channel.close();
    } catch (IOException e) {
      log.debug("{}: closing the socket failed", description, e);
    }
    if (write != null) {
      write.wakeup(); // a waiting sender sees the close and leaves
    }
    onRelease.accept(this);
    if (shared != null) {
      shared.wakeup(); // the selector drops the key, which releases the descriptor
    }
    if (deliverEnd) {
      deliverEndElsewhere(shared);
    }
    return true;
  }
}
