package org.witrpc.transport.mmf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.WitTransportException;
import org.witrpc.spi.Connection;
import org.witrpc.spi.FrameListener;

/**
 * One end of a shared-memory connection: an outbound ring this side writes, an inbound ring it
 * reads, and the Unix domain socket that carries doorbell bytes and tells when the peer is gone.
 *
 * <p>Receiving: a reader thread ({@code witrpc-mmf-...}) drains the inbound ring, spins for the
 * spin budget, then parks in a blocking socket read after announcing itself in the ring's waiting
 * flag. A caller of {@link #readUntil} may take the reader role instead while the reader thread is
 * parked or between two rounds; whoever holds the role delivers frames.
 *
 * <p>Thread safety: {@link #send} may be called by many threads (serialized by a lock; frames never
 * interleave); {@link #close} is idempotent and may be called from any thread, including from
 * within the listener.
 */
final class MmfConnection implements Connection {
  private static final Logger LOG = LoggerFactory.getLogger(MmfConnection.class);

  /** A writer waiting for space re-checks at least this often, whatever the doorbell does. */
  private static final long WRITER_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private static final int RECORDS_PER_ROUND = 64;
  private static final long JOIN_MILLIS = 5_000;

  private final String description;
  private final SocketChannel channel;
  private final Doorbell doorbell;
  private final RingBuffer inbound;
  private final RingBuffer outbound;
  private final long spinNanos;
  private final Runnable onTerminated;
  private final ReentrantLock sendLock = new ReentrantLock();
  private final ReentrantLock readerRole = new ReentrantLock();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean closeReported = new AtomicBoolean();

  private volatile boolean open = true;
  private volatile Throwable closeCause;
  private volatile Thread parkedWriter;
  private volatile Thread readerThread;
  private FrameListener listener;

  /**
   * @param mapping the whole mapping, already validated
   * @param inboundDirection the ring this side reads ({@link RingDescriptor#CLIENT_TO_SERVER} on
   *     the server)
   */
  MmfConnection(
      String description,
      SocketChannel channel,
      ByteBuffer mapping,
      int capacity,
      int inboundDirection,
      MmfSettings settings,
      Runnable onTerminated) {
    this.description = description;
    this.channel = channel;
    this.doorbell = new Doorbell(channel);
    this.spinNanos = settings.spinNanos();
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
    this.outbound =
        new RingBuffer(
            mapping,
            RingDescriptor.ringOffset(outboundDirection, capacity),
            capacity,
            settings.maxFrameSize(),
            ringData,
            ringSpace);
  }

  /** Starts the reader thread; frames and the end go to {@code frameListener}. */
  void start(FrameListener frameListener) {
    this.listener = Objects.requireNonNull(frameListener, "listener == null");
    Thread t = new Thread(this::readLoop, "witrpc-mmf-" + description);
    t.setDaemon(true);
    readerThread = t;
    t.start();
  }

  @Override
  public void send(ByteBuffer... parts) {
    Objects.requireNonNull(parts, "parts == null");
    long total = 0;
    for (ByteBuffer part : parts) {
      total += part.remaining();
    }
    if (total > Integer.MAX_VALUE) {
      throw new WitTransportException("frame of " + total + " bytes is too large");
    }
    sendLock.lock();
    try {
      ensureOpen();
      outbound.write(parts, (int) total, this::awaitFree);
    } catch (WitTransportException e) {
      if (open && e.getMessage().startsWith("corrupt")) {
        fail(e);
      }
      throw e;
    } finally {
      sendLock.unlock();
    }
  }

  @Override
  public boolean readUntil(BooleanSupplier done, long deadlineNanos) {
    if (!open || !readerRole.tryLock()) {
      return done.getAsBoolean();
    }
    try {
      int idle = 0;
      while (open) {
        if (done.getAsBoolean()) {
          return true;
        }
        if (readRound() > 0) {
          idle = 0;
        } else if (++idle % SpinWait.YIELD_EVERY == 0) {
          if (System.nanoTime() - deadlineNanos >= 0) {
            break;
          }
          Thread.yield();
        } else {
          Thread.onSpinWait();
        }
      }
    } catch (WitTransportException e) {
      fail(e);
    } finally {
      readerRole.unlock();
    }
    return done.getAsBoolean();
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      closeCause = null;
      shutdown();
    }
    Thread t = readerThread;
    if (t != null && t != Thread.currentThread() && !readerRole.isHeldByCurrentThread()) {
      try {
        t.join(JOIN_MILLIS);
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
    open = false;
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("{}: closing socket: {}", description(), e.toString());
    }
    Thread w = parkedWriter;
    if (w != null) {
      LockSupport.unpark(w);
    }
  }

  private void ensureOpen() {
    if (!open) {
      Throwable cause = closeCause;
      throw new WitTransportException(
          description() + " is closed" + (cause != null ? ": " + cause.getMessage() : ""), cause);
    }
  }

  /** Waits for space in the outbound ring: spin for the budget, then park until a doorbell. */
  private void awaitFree(int bytes) {
    if (SpinWait.spinUntil(() -> !open || outbound.freeBytes() >= bytes, spinNanos)) {
      ensureOpen();
      return;
    }
    while (true) {
      ensureOpen();
      parkedWriter = Thread.currentThread();
      try {
        outbound.announceWriterWaiting();
        if (outbound.freeBytes() >= bytes) {
          outbound.clearWriterWaiting();
          return;
        }
        LockSupport.parkNanos(this, WRITER_PARK_NANOS);
      } finally {
        parkedWriter = null;
      }
      if (open && outbound.freeBytes() >= bytes) {
        return;
      }
    }
  }

  private void readLoop() {
    Throwable cause = null;
    try {
      while (open) {
        readerRole.lock();
        try {
          drainAndSpin();
        } finally {
          readerRole.unlock();
        }
        if (open && !parkUntilDoorbell()) {
          cause = new WitTransportException(description() + ": the peer closed the connection");
          drainRemaining();
          break;
        }
      }
    } catch (AsynchronousCloseException e) {
      // local close while parked
    } catch (IOException e) {
      cause = new WitTransportException(description() + ": socket failed: " + e, e);
    } catch (WitTransportException e) {
      cause = e;
    } catch (RuntimeException | Error e) {
      cause = new WitTransportException(description() + ": reader failed: " + e, e);
    } finally {
      if (cause instanceof WitTransportException) {
        fail((WitTransportException) cause);
      } else if (cause == null && closed.compareAndSet(false, true)) {
        shutdown();
      }
      reportClosed();
    }
  }

  private void drainAndSpin() {
    long lastWork = System.nanoTime();
    int idle = 0;
    while (open) {
      if (readRound() > 0) {
        lastWork = System.nanoTime();
        idle = 0;
      } else if (++idle % SpinWait.YIELD_EVERY == 0) {
        if (System.nanoTime() - lastWork >= spinNanos) {
          return;
        }
        Thread.yield();
      } else if (spinNanos == 0) {
        return;
      } else {
        Thread.onSpinWait();
      }
    }
  }

  /** One round of reading; also wakes a local writer that waits for space it can now have. */
  private int readRound() {
    int n = inbound.read(this::deliver, RECORDS_PER_ROUND);
    Thread w = parkedWriter;
    if (n > 0 && w != null) {
      LockSupport.unpark(w);
    }
    return n;
  }

  /** Parks in the socket until a doorbell; returns false at the peer's end of stream. */
  private boolean parkUntilDoorbell() throws IOException {
    inbound.announceReaderWaiting();
    if (!inbound.isEmpty()) {
      inbound.clearReaderWaiting();
      return true;
    }
    int kinds = doorbell.await();
    inbound.clearReaderWaiting();
    if (kinds == Doorbell.END_OF_STREAM) {
      return false;
    }
    if ((kinds & Doorbell.SPACE) != 0) {
      Thread w = parkedWriter;
      if (w != null) {
        LockSupport.unpark(w);
      }
    }
    return true;
  }

  /** Delivers what the peer published before it closed. */
  private void drainRemaining() {
    readerRole.lock();
    try {
      while (inbound.read(this::deliver, RECORDS_PER_ROUND) > 0) {
        // keep draining
      }
    } finally {
      readerRole.unlock();
    }
  }

  private void deliver(ByteBuffer frame) {
    try {
      listener.onFrame(frame);
    } catch (RuntimeException e) {
      LOG.warn("{}: listener failed on a frame", description(), e);
    }
  }

  private void reportClosed() {
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
      onTerminated.run();
    }
  }
}
