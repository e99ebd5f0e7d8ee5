package org.witrpc.transport.mmf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.WitTransportException;
import org.witrpc.internal.SendBudget;
import org.witrpc.spi.Connection;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.SendStalledException;
import org.witrpc.spi.TransportOptions;
import org.witrpc.spi.ValueSpan;

/**
 * One end of a shared-memory connection: an outbound ring this side writes, an inbound ring it
 * reads, and the Unix domain socket that carries doorbell bytes and tells when the peer is gone.
 *
 * <p>No thread belongs to a connection. The process's {@link DoorbellWaiter} watches the doorbell
 * socket of every connection; the reader runs as a task on a {@link MmfThreads} worker only while
 * the connection has frames: it drains the inbound ring, spins for the spin budget, then announces
 * itself in the ring's waiting flag and gives its thread back. On the peer's {@link Doorbell#DATA}
 * byte the waiter starts the reader again. Where the listener never blocks ({@link
 * FrameListener#neverBlocks}, a client's) the waiter delivers the frames itself and announces the
 * reader idle again, so a frame after idle time costs one thread wake-up, not two; only if frames
 * keep coming meanwhile (a burst) does it start the reader task, which spins for the rest. The
 * waiter also
 *
 * <ul>
 *   <li>on a {@link Doorbell#SPACE} byte unparks the writer waiting for ring space, directly, so a
 *       writer never waits for a reader that is busy delivering frames;
 *   <li>on end of stream (the peer closed or died, {@code kill -9} included) fails the connection
 *       at once, even while its reader runs a service method that blocks: open becomes false, which
 *       ends a reader spinning or a {@link #readUntil} caller within one spin iteration, and the
 *       waiting writer is unparked and throws.
 * </ul>
 *
 * Doorbell bytes never pile up in the socket (the waiter reads them as they come), and a peer sends
 * at most one byte per announcement anyway (see {@link Doorbell}). At most one reader task runs per
 * connection; frames are delivered one at a time, in order, by whoever holds the reader role.
 *
 * <p>A caller of {@link #readUntil} may take the reader role instead of the reader task; whoever
 * holds the role delivers frames, so the listener (a server's inline service method included) runs
 * under it: the one witrpc lock that user code runs under, safe because on a server connection only
 * the reader task and the server's warm worker (which reads between two requests, for at most its
 * spin budget, and delivers as the reader task would) take it, and a client's delivery runs no user
 * code (docs/THREADING.md, "User code on witrpc's threads").
 *
 * <p>Thread safety: {@link #send} may be called by many threads (serialized by a lock; frames never
 * interleave); {@link #close} is idempotent and may be called from any thread, including from
 * within the listener.
 */
final class MmfConnection implements Connection {
  private static final Logger LOG = LoggerFactory.getLogger(MmfConnection.class);

  private static final int RECORDS_PER_ROUND = 64;
  private static final long END_WAIT_MILLIS = 5_000;

  /** Tries for a busy send role before its sender parks; see {@link #takeSendRole}. */
  private static final int SEND_ROLE_SPINS = 128;

  private final String description;
  private final ByteBuffer mapping;
  private final String peer;
  private final int ownMaxFrameSize;
  private final int sendLimit;
  private final SocketChannel channel;
  private final Doorbell doorbell;
  private final RingBuffer inbound;
  private final RingBuffer outbound;
  private final long spinNanos;
  private final Runnable onTerminated;
  private final Semaphore sendRole = new Semaphore(1);
  private final Duration sendTimeout;
  private final ReentrantLock readerRole = new ReentrantLock();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean closeReported = new AtomicBoolean();
  private final AtomicInteger callersWaiting = new AtomicInteger();
  private final AtomicBoolean readerAsked = new AtomicBoolean();

  /**
   * {@link #deliver}, made once: a method reference per read round would allocate while spinning.
   */
  private final RingBuffer.FrameSink delivery = this::deliver;

  /** True while a reader task is queued or runs; stays true once the connection has ended. */
  private final AtomicBoolean readerScheduled = new AtomicBoolean();

  /** Counted down when the reader has reported the end to the listener. */
  private final CountDownLatch ended = new CountDownLatch(1);

  private volatile boolean open = true;

  /**
   * The inbound ring's tail when the peer's end of stream was seen, unvalidated: {@link
   * #drainRemaining} delivers no record past it.
   */
  private volatile long peerEndTail = Long.MAX_VALUE;

  private volatile Throwable closeCause;
  private volatile Thread parkedWriter;

  /** Set by {@link #wakeReader}, cleared by the reader task before each round: asked again. */
  private volatile boolean readerWanted;

  private volatile boolean started;
  private volatile DoorbellWaiter waiter;
  private volatile boolean deliverOnWaiter;

  private volatile boolean listenerFailed;
  private FrameListener listener;

  // The current send's limits; touched only by the holder of the send role.
  private long sendDeadline;
  private boolean sendHasDeadline;
  private boolean sendInBackground;
  private SendBudget budget;

  /**
   * @param mapping the whole mapping, already validated
   * @param inboundDirection the ring this side reads ({@link RingDescriptor#CLIENT_TO_SERVER} on
   *     the server)
   * @param peerMaxFrameSize the largest frame the peer accepts, 0 if it did not say
   * @param onTerminated run once, when the connection has ended: before the frames a closed peer
   *     left are delivered and before the listener's {@code onClosed} (so a slot it frees is free
   *     for whoever reacts to that)
   */
  MmfConnection(
      String description,
      SocketChannel channel,
      ByteBuffer mapping,
      int capacity,
      int inboundDirection,
      int peerMaxFrameSize,
      MmfSettings settings,
      Runnable onTerminated) {
    this.description = description;
    this.mapping = mapping;
    this.peer = inboundDirection == RingDescriptor.CLIENT_TO_SERVER ? "client" : "server";
    this.ownMaxFrameSize = settings.maxFrameSize();
    this.sendLimit =
        peerMaxFrameSize == 0 ? ownMaxFrameSize : Math.min(ownMaxFrameSize, peerMaxFrameSize);
    this.channel = channel;
    this.doorbell = new Doorbell(channel);
    try {
      doorbell.open();
    } catch (IOException e) {
      throw new WitTransportException(description + ": cannot set up the doorbell socket: " + e, e);
    }
    this.spinNanos = settings.spinNanos();
    this.sendTimeout = settings.sendTimeout();
    this.onTerminated = onTerminated;
    int outboundDirection = 1 - inboundDirection;
    Runnable ringSpace = () -> doorbell.ring(Doorbell.SPACE);
    Runnable ringData = () -> doorbell.ring(Doorbell.DATA);
    this.inbound =
        new RingBuffer(
            mapping,
            RingDescriptor.ringOffset(inboundDirection, capacity),
            capacity,
            settings.maxFrameSize(),
            ringData,
            ringSpace);
    inbound.limitReadFrames(TransportOptions.HANDSHAKE_FRAME_LIMIT);
    this.outbound =
        new RingBuffer(
            mapping,
            RingDescriptor.ringOffset(outboundDirection, capacity),
            capacity,
            sendLimit,
            ringData,
            ringSpace);
  }

  /**
   * Starts reading: frames and the end go to {@code frameListener}. Starts no thread: the doorbell
   * socket joins the process's {@link DoorbellWaiter}, and a reader task runs only if frames are
   * already there.
   */
  void start(FrameListener frameListener) {
    if (!watch(frameListener) || !announceFirstIdle()) {
      wakeReader();
    }
  }

  /**
   * Starts the connection for a thread that reads it at once ({@link #readHere}): as {@link #start}
   * does, but without announcing the reader idle first, so the peer does not ring for a reader that
   * is about to read anyway.
   */
  void startForReadingHere(FrameListener frameListener) {
    if (!watch(frameListener)) {
      wakeReader(); // closed already: a reader task reports the end
    }
  }

  /**
   * Runs the reader on the calling thread (a {@link MmfThreads} worker, which belongs to the
   * transport) as a reader task would, unless a reader task is already queued or running: it
   * delivers the frames already there and those that come within the spin budget, then gives the
   * thread back. So a server's first frames (the client's HELLO, sent while the server set the
   * connection up) need no other worker's wake-up.
   */
  void readHere() {
    readerWanted = true;
    if (readerScheduled.compareAndSet(false, true)) {
      readTask();
    }
  }

  /**
   * Registers with the doorbell waiter.
   *
   * @return false if the connection has already ended (a reader must report it)
   */
  private boolean watch(FrameListener frameListener) {
    this.listener = Objects.requireNonNull(frameListener, "listener == null");
    inbound.receiveValuesApart(frameListener);
    deliverOnWaiter = frameListener.neverBlocks();
    DoorbellWaiter w = DoorbellWaiter.acquire(); // released by the reader's last step
    waiter = w;
    started = true;
    try {
      w.register(
          channel,
          new DoorbellWaiter.Watcher() {
            @Override
            public void onReadable() {
              onDoorbell();
            }

            @Override
            public void watchFailed(Throwable cause) {
              fail(
                  new WitTransportException(
                      description() + ": its doorbell watch failed: " + cause, cause));
            }
          });
    } catch (IOException e) {
      fail(
          new WitTransportException(description() + ": cannot watch the doorbell socket: " + e, e));
    }
    return open; // if closed before it started, the reader reports the end
  }

  /**
   * No reader has run yet: announces it idle (the peer rings from now on).
   *
   * @return true if the reader may stay idle until a doorbell; false if it must read now (the peer
   *     published before the announcement, or the connection failed)
   */
  private boolean announceFirstIdle() {
    readerRole.lock();
    boolean idle;
    try {
      idle = announceIdle();
    } catch (WitTransportException e) {
      fail(e);
      idle = false;
    } finally {
      readerRole.unlock();
    }
    return idle;
  }

  @Override
  public void send(ByteBuffer... parts) {
    if (!sendFrame(0, false, parts)) {
      throw new WitTransportException(
          description() + ": interrupted while waiting to send; nothing was sent");
    }
  }

  @Override
  public boolean sendBefore(long deadlineNanos, ByteBuffer... parts) {
    return sendFrame(deadlineNanos, true, parts);
  }

  @Override
  public int maxSendFrameSize() {
    return sendLimit;
  }

  @Override
  public int maxReceiveFrameSize() {
    return ownMaxFrameSize;
  }

  private boolean sendFrame(long deadlineNanos, boolean hasDeadline, ByteBuffer[] parts) {
    Objects.requireNonNull(parts, "parts == null");
    long total = 0;
    for (ByteBuffer part : parts) {
      total += part.remaining();
    }
    if (total > sendLimit) {
      // Refused before anything is written: the connection stays usable.
      throw new WitTransportException(
          "frame of "
              + total
              + " bytes exceeds the "
              + (total > ownMaxFrameSize ? "" : peer + "'s ")
              + "maximum frame size "
              + (total > ownMaxFrameSize ? ownMaxFrameSize : sendLimit));
    }
    ensureOpen();
    if (!takeSendRole(deadlineNanos, hasDeadline)) {
      return false;
    }
    boolean handedOver = false;
    try {
      ensureOpen();
      sendDeadline = deadlineNanos;
      sendHasDeadline = hasDeadline;
      sendInBackground = false;
      budget = null;
      outbound.write(parts, (int) total, this::awaitFree);
      return true;
    } catch (SendBudget.GiveUp giveUp) {
      int rest = remaining(parts);
      if (rest == total) {
        return false; // nothing of the frame is in the ring
      }
      budget = null; // the finisher's from here: cleared before it starts, never after
      try {
        finishInBackground(copyOf(parts, rest), rest);
      } catch (Throwable e) {
        // no copy or no thread: the frame cannot be finished, so the stream cannot go on
        fail(new WitTransportException(description() + ": cannot finish a frame: " + e, e));
        throw e;
      }
      handedOver = true;
      return true;
    } catch (WitTransportException e) {
      throw failIfBroken(e);
    } catch (InternalError e) {
      WitTransportException fault = MappingFault.of(description(), e);
      fail(fault);
      throw fault;
    } catch (RuntimeException | Error e) {
      if (remaining(parts) != total) {
        fail(new WitTransportException(description() + ": a frame was cut short: " + e, e));
      }
      throw e;
    } finally {
      if (!handedOver) {
        budget = null;
        sendRole.release();
      }
    }
  }

  /**
   * Takes the send role: spins a little first, because its holder keeps it for one ring write (well
   * under a microsecond as a rule), far less than a parked thread takes to wake up; then waits in
   * the role's queue within the send's limits ({@link SendBudget#takeTurn}).
   */
  private boolean takeSendRole(long deadlineNanos, boolean hasDeadline) {
    for (int i = 0; i < SEND_ROLE_SPINS; i++) {
      if (sendRole.tryAcquire()) {
        return true;
      }
      Thread.onSpinWait();
    }
    return SendBudget.takeTurn(sendRole, deadlineNanos, hasDeadline);
  }

  private static int remaining(ByteBuffer[] parts) {
    long rest = 0;
    for (ByteBuffer part : parts) {
      rest += part.remaining();
    }
    return (int) rest;
  }

  /** Fails the connection if {@code e} means it can no longer be used; returns {@code e}. */
  private WitTransportException failIfBroken(WitTransportException e) {
    if (e instanceof RingBuffer.CorruptRingException) {
      fail(e);
    } else if (e instanceof SendStalledException) {
      SendStalledException stalled =
          new SendStalledException(description() + ": " + e.getMessage() + "; disconnecting it");
      if (open) {
        LOG.warn("{}", stalled.getMessage());
      }
      fail(stalled);
      return stalled;
    }
    return e;
  }

  private static ByteBuffer[] copyOf(ByteBuffer[] parts, int bytes) {
    ByteBuffer rest = ByteBuffer.allocate(bytes);
    for (ByteBuffer part : parts) {
      rest.put(part);
    }
    return new ByteBuffer[] {rest.flip()};
  }

  /**
   * Writes the rest of a frame whose sender gave up half-way, on a thread of its own that holds the
   * send role until the frame is in the ring (or the peer stalls), then passes it on.
   */
  private void finishInBackground(ByteBuffer[] rest, int bytes) {
    Thread finisher =
        new Thread(
            () -> {
              try {
                sendInBackground = true;
                budget = null;
                outbound.writeRest(rest, bytes, this::awaitFree);
              } catch (WitTransportException e) {
                failIfBroken(e);
                LOG.debug("{}: finishing a frame failed: {}", description(), e.getMessage());
              } catch (RuntimeException | Error e) {
                fail(new WitTransportException(description() + ": finishing a frame failed", e));
              } finally {
                budget = null;
                sendRole.release();
              }
            },
            "witrpc-mmf-send-" + description);
    finisher.setDaemon(true);
    finisher.start();
  }

  @Override
  public boolean readUntil(BooleanSupplier done, long deadlineNanos) {
    if (!open) {
      return done.getAsBoolean();
    }
    // Ask the reader task to step aside (it checks this while it spins), then take the role.
    // Without this the reader task, spinning right after the previous reply, would hold the
    // role through every call of a busy caller, and caller and reader would both spin.
    callersWaiting.incrementAndGet();
    boolean owner;
    try {
      owner = acquireReaderRole(done, deadlineNanos);
    } finally {
      callersWaiting.decrementAndGet();
    }
    if (!owner) {
      return done.getAsBoolean();
    }
    // While this caller reads, the peer must not ring for the idle reader: that would
    // cost it a socket write and us two wake-ups per frame, the very cost readUntil avoids.
    inbound.clearReaderWaiting();
    try {
      int idle = 0;
      while (open) {
        if (done.getAsBoolean()) {
          return true;
        }
        if (readRoundForCaller() > 0) {
          idle = 0;
        } else if (++idle % SpinWait.YIELD_EVERY == 0) {
          if (System.nanoTime() - deadlineNanos >= 0) {
            break;
          }
          SpinWait.yieldCore();
        } else {
          Thread.onSpinWait();
        }
      }
    } catch (WitTransportException e) {
      fail(e);
    } finally {
      // Check the ring while still holding the role (only the role's holder may read the ring's
      // consumer position), but wake the reader only after unlocking: started earlier, it would
      // find the role taken and end again, and the request would be lost.
      boolean framesLeft = handBackToReader();
      readerRole.unlock();
      // After the unlock (Dekker with takeRoleOrAsk): a reader task that failed to take the
      // role meanwhile, started by a doorbell this caller may not have seen, is woken again here.
      if (readerAsked.getAndSet(false) | framesLeft) {
        wakeReader();
      }
    }
    return done.getAsBoolean();
  }

  /**
   * A read round for a {@link #readUntil} caller: a failure other than the transport's own (an
   * {@link Error} such as an OutOfMemoryError for a frame's buffer, an unexpected runtime
   * exception) fails the connection as it does in the reader task, instead of reaching the caller
   * (a server's warm worker, a client's caller) as an exception with the connection left in doubt.
   * A failure of the caller's own {@code done} is not the reader's and still reaches it.
   */
  private int readRoundForCaller() {
    try {
      return readRound();
    } catch (WitTransportException e) {
      throw e;
    } catch (RuntimeException | Error e) {
      throw new WitTransportException(description() + ": reader failed: " + e, e);
    }
  }

  /** Spins for the reader role until it is ours, {@code done} holds or the deadline passes. */
  private boolean acquireReaderRole(BooleanSupplier done, long deadlineNanos) {
    int iterations = 0;
    while (!readerRole.tryLock()) {
      if (!open || done.getAsBoolean()) {
        return false;
      }
      if (++iterations % SpinWait.YIELD_EVERY == 0) {
        if (System.nanoTime() - deadlineNanos >= 0) {
          return false;
        }
        SpinWait.yieldCore();
      } else {
        Thread.onSpinWait();
      }
    }
    return true;
  }

  /**
   * Ends a {@link #readUntil}, called with the role held: re-announces the waiting reader (Dekker
   * with the peer's publish) so that the next frame rings for the reader.
   *
   * @return true if frames are already there, so the caller must wake the reader once it has
   *     released the role
   */
  private boolean handBackToReader() {
    if (!open) {
      return false;
    }
    try {
      return !announceIdle();
    } catch (WitTransportException e) {
      fail(e);
      return false;
    }
  }

  /**
   * For tests in this package only: the mapping shared with the peer, so that a test can play a
   * hostile peer scribbling on it (the file itself is unlinked right after the handshake).
   */
  ByteBuffer mappingForTests() {
    return mapping.duplicate();
  }

  /** For tests in this package only: true while no reader task is queued or runs. */
  boolean readerIdleForTests() {
    return !readerScheduled.get();
  }

  /** For tests in this package only: asks for the reader as a DATA doorbell would. */
  void wakeReaderForTests() {
    wakeReader();
  }

  @Override
  public void recycle(ByteBuffer frame) {
    inbound.recycle(frame);
  }

  @Override
  public void allowLargeFrames() {
    inbound.limitReadFrames(ownMaxFrameSize);
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return; // closed before (or failed): whoever closed it first waited for the reader
    }
    closeCause = null;
    shutdown();
    if (started && !readerRole.isHeldByCurrentThread()) {
      // the listener's onClosed has run when close returns (unless it is itself the listener)
      try {
        ended.await(END_WAIT_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String description() {
    return "mmf://" + description;
  }

  @Override
  public String toString() {
    return description();
  }

  private void fail(WitTransportException cause) {
    if (closed.compareAndSet(false, true)) {
      LOG.debug("{}: {}", description(), cause.getMessage());
      closeCause = cause;
      shutdown();
    }
  }

  private void shutdown() {
    closeSocket();
    if (started) {
      wakeReader(); // it sees open false and reports the end
    }
  }

  /** Ends reading and writing: the peer sees the end, a parked writer wakes. */
  private void closeSocket() {
    open = false;
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("{}: closing socket: {}", description(), e.toString());
    }
    DoorbellWaiter w = waiter;
    if (w != null) {
      // the socket stays open until the waiter drops its key: the peer sees the end only then
      w.wakeup();
    }
    unpark(parkedWriter);
  }

  /**
   * Asks for the reader: starts a reader task unless one is queued or runs, which then reads once
   * more before it ends (so a request made while it gives its thread back is never lost).
   */
  private void wakeReader() {
    readerWanted = true;
    if (readerScheduled.compareAndSet(false, true)) {
      try {
        MmfThreads.execute(this::readTask);
      } catch (RuntimeException | Error e) {
        // No worker (the JVM cannot start a thread): the connection ends here, and this thread
        // reports the end, since no reader task will (readerScheduled stays set).
        LOG.error("{}: cannot start its reader", description(), e);
        if (closed.compareAndSet(false, true)) {
          closeCause = new WitTransportException(description() + ": cannot start its reader", e);
        }
        closeSocket();
        reportEnd();
      }
    }
  }

  private static void unpark(Thread t) {
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  private void ensureOpen() {
    if (!open) {
      Throwable cause = closeCause;
      throw new WitTransportException(
          description() + " is closed" + (cause != null ? ": " + cause.getMessage() : ""), cause);
    }
  }

  /**
   * Waits for space in the outbound ring: spin for the spin budget, then park until the doorbell
   * waiter ({@link DoorbellWaiter}) passes on a SPACE doorbell or the connection ends, within the
   * send's {@link SendBudget} (the caller's deadline and interrupt; the send timeout without
   * progress). Runs in the holder of the send role, so at most one writer waits at a time.
   *
   * @throws SendBudget.GiveUp if the caller gives up
   * @throws SendStalledException if the peer frees no space for the send timeout
   */
  private void awaitFree(int bytes) {
    if (budget != null) {
      budget.progress(); // the ring had room since the last wait: the peer took bytes
    }
    if (SpinWait.spinUntil(() -> !open || outbound.freeBytes() >= bytes, spinNanos)) {
      ensureOpen();
      return;
    }
    if (budget == null) {
      budget =
          sendInBackground
              ? SendBudget.background(sendTimeout)
              : sendHasDeadline
                  ? SendBudget.until(sendDeadline, sendTimeout)
                  : SendBudget.untilInterrupted(sendTimeout);
    }
    parkedWriter = Thread.currentThread();
    long free = outbound.freeBytes();
    try {
      while (true) {
        ensureOpen();
        // Dekker with the peer's release(): flag, fence, re-check; the peer frees space, fences
        // and rings if it finds the flag. Either we see the space or a SPACE byte comes.
        outbound.announceWriterWaiting();
        long now = outbound.freeBytes();
        if (now >= bytes) {
          outbound.clearWriterWaiting();
          return;
        }
        if (now > free) {
          budget.progress();
          free = now;
        }
        LockSupport.parkNanos(this, budget.waitNanos());
      }
    } catch (RuntimeException e) {
      outbound.clearWriterWaiting();
      throw e;
    } finally {
      parkedWriter = null;
    }
  }

  /**
   * A reader task, on a {@link MmfThreads} worker: reads until the ring is empty and the spin
   * budget has passed, then gives the thread back; once the connection has ended, reports the end
   * (and keeps {@link #readerScheduled} set, so no task follows).
   */
  private void readTask() {
    while (true) {
      readerWanted = false;
      if (!readOnce()) {
        reportEnd();
        return;
      }
      // The worker belongs to the transport: an interrupt status left by a listener (an inline
      // service method restoring an interrupt) must not reach the next task.
      if (Thread.interrupted()) {
        LOG.debug("{}: interrupt status of the reader cleared", description());
      }
      readerScheduled.set(false);
      // Dekker with wakeReader: it sets the wish, then tries the flag; we clear the flag, then
      // look at the wish. Either it starts a task or we go on.
      if (!readerWanted || !readerScheduled.compareAndSet(false, true)) {
        return;
      }
    }
  }

  /**
   * One turn of the reader: drains and spins while it holds the reader role, and announces itself
   * idle when there is nothing left.
   *
   * @return false once the connection has ended
   */
  private boolean readOnce() {
    try {
      while (open) {
        if (!takeRoleOrAsk()) {
          return true; // a readUntil caller reads; once it lets go it wakes us (frames, or asked)
        }
        boolean idle;
        try {
          // The flag is only ever cleared by the role's holder (or by the peer's ring): cleared
          // outside the role it could erase the announcement a departing readUntil caller has
          // just made, and the next frame would ring for nobody.
          inbound.clearReaderWaiting();
          drainAndSpin();
          idle = open && announceIdle();
        } finally {
          readerRole.unlock();
        }
        if (idle) {
          return true; // the peer's next frame rings: the waiter asks for us again
        }
      }
    } catch (WitTransportException e) {
      fail(e);
    } catch (RuntimeException | Error e) {
      fail(new WitTransportException(description() + ": reader failed: " + e, e));
    }
    return false;
  }

  /**
   * The end of the reader: gives back what the connection held (the server's client slot), delivers
   * what a closed peer had published when its end was seen, then tells the listener.
   */
  private void reportEnd() {
    try {
      try {
        // First the server's slot: free once the end is seen, not once the frames the peer left are
        // delivered, and free for whoever sees onClosed and connects again.
        onTerminated.run();
      } finally {
        if (closeCause instanceof PeerClosedException) {
          drainRemaining();
        }
        reportClosedToListener();
      }
    } finally {
      waiter.release();
      ended.countDown();
    }
  }

  /**
   * Takes the reader role for the reader task, or leaves word that it wants it. The word is written
   * before the second try, and a {@link #readUntil} caller reads it after unlocking, so either the
   * second try succeeds or the caller sees the word and asks for the reader again: a doorbell that
   * started the reader while a caller held the role is never lost.
   */
  private boolean takeRoleOrAsk() {
    if (readerRole.tryLock()) {
      return true;
    }
    readerAsked.set(true);
    if (readerRole.tryLock()) {
      readerAsked.set(false);
      return true;
    }
    return false;
  }

  /**
   * Sets the reader-waiting flag and re-checks the ring (Dekker with the peer's publish).
   *
   * @return true if the ring is still empty, so the reader may park until a DATA doorbell
   */
  private boolean announceIdle() {
    inbound.announceReaderWaiting();
    if (!inbound.isEmpty()) {
      inbound.clearReaderWaiting();
      return false;
    }
    return true;
  }

  /**
   * On the {@link DoorbellWaiter}'s thread, when the doorbell socket has bytes or its end: acts on
   * them without blocking.
   */
  private void onDoorbell() {
    int kinds;
    try {
      kinds = doorbell.poll();
    } catch (IOException e) {
      if (open) {
        fail(new WitTransportException(description() + ": socket failed: " + e, e));
      }
      return;
    }
    if (kinds == Doorbell.END_OF_STREAM) {
      peerEndTail = inbound.tailNow(); // what the reader drains at the end, and no further
      fail(new PeerClosedException(description() + ": the peer closed the connection"));
      return;
    }
    if ((kinds & Doorbell.SPACE) != 0) {
      unpark(parkedWriter);
    }
    if ((kinds & Doorbell.DATA) != 0 && !(deliverOnWaiter && deliveredAllWaitingFrames())) {
      wakeReader();
    }
  }

  /**
   * On the waiter's thread, for a listener that never blocks: delivers one round of the frames in
   * the ring and announces the reader idle again, unless a reader holds the role.
   *
   * @return true if the ring stayed empty after the announcement (no reader task needed); false if
   *     frames kept coming (a burst: a reader task spins for the rest) or the role was taken
   */
  private boolean deliveredAllWaitingFrames() {
    if (!readerRole.tryLock()) {
      return false;
    }
    try {
      // One round only: this thread watches every connection of the process, so frames that keep
      // coming (a burst, a frame larger than the ring) are left to a reader task.
      readRound();
      if (!open) {
        return true;
      }
      return inbound.isEmpty() && announceIdle();
    } catch (WitTransportException e) {
      fail(e);
      return true; // the reader task that fail() asked for reports the end
    } finally {
      readerRole.unlock();
    }
  }

  private void drainAndSpin() {
    long lastWork = System.nanoTime();
    int idle = 0;
    while (open) {
      if (readRound() > 0) {
        lastWork = System.nanoTime();
        idle = 0;
      } else if (callersWaiting.get() > 0) {
        return; // a readUntil caller wants the role: it will read its own reply
      } else if (++idle % SpinWait.YIELD_EVERY == 0) {
        if (System.nanoTime() - lastWork >= spinNanos) {
          return;
        }
        SpinWait.yieldCore();
      } else if (spinNanos == 0) {
        return;
      } else {
        Thread.onSpinWait();
      }
    }
  }

  private int readRound() {
    return inbound.read(delivery, RECORDS_PER_ROUND);
  }

  /**
   * Delivers what the peer had published when its end was seen ({@link #peerEndTail}), and nothing
   * it writes into the still-mapped ring afterwards: a peer that closed its socket but keeps
   * writing cannot hold this reader (nor delay onClosed) beyond one ring of records.
   */
  private void drainRemaining() {
    readerRole.lock();
    try {
      long end = Math.min(peerEndTail, inbound.publishedTail());
      while (inbound.readUpTo(end, delivery, RECORDS_PER_ROUND) > 0) {
        // keep draining
      }
    } catch (WitTransportException e) {
      LOG.debug("{}: frames left by the peer are unreadable: {}", description(), e.getMessage());
    } finally {
      readerRole.unlock();
    }
  }

  private void deliver(ByteBuffer frame, ValueSpan span, byte[] value) {
    if (listenerFailed) {
      return;
    }
    try {
      if (span == null) {
        listener.onFrame(frame);
      } else {
        listener.onFrame(frame, span, value);
      }
    } catch (RuntimeException e) {
      LOG.warn("{}: listener failed on a frame", description(), e);
    } catch (Throwable e) {
      // an Error from the listener (a StackOverflowError, a LinkageError): the connection can no
      // longer be trusted to be in step, so it ends here instead of losing its reader silently
      listenerFailed = true;
      LOG.error("{}: listener failed on a frame; closing the connection", description(), e);
      fail(new WitTransportException(description() + ": the listener failed: " + e, e));
    }
  }

  private void reportClosedToListener() {
    readerRole.lock();
    try {
      if (closeReported.compareAndSet(false, true)) {
        try {
          listener.onClosed(closeCause);
        } catch (RuntimeException e) {
          LOG.warn("{}: listener failed in onClosed", description(), e);
        }
      }
    } finally {
      readerRole.unlock();
    }
  }

  /** The connection ended because the peer closed its socket or died. */
  private static final class PeerClosedException extends WitTransportException {
    private static final long serialVersionUID = 1L;

    PeerClosedException(String message) {
      super(message);
    }
  }
}
