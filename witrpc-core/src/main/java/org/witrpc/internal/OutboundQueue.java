package org.witrpc.internal;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.WitTransportException;
import org.witrpc.spi.Connection;

/**
 * The frames one side sends on one connection, kept in order, without letting a slow or frozen peer
 * hold the sending threads. A sender whose frame the transport takes within {@link #DIRECT_WAIT}
 * (the common case: nothing waits, the frame goes out at once) sends it directly. Otherwise, and
 * for as long as earlier frames wait, the frame is copied into this queue and one short-lived
 * writer thread ({@code witrpc-send-queue-...}) sends the waiting frames in order, bounded by the
 * transport's send timeout. More than {@link #MAX_QUEUED_BYTES} waiting (beyond a single frame of
 * any size) means the peer reads far slower than it is sent to: the connection is closed with a
 * WARN naming it, and the frames are dropped.
 *
 * <p>So a server thread that answers a call or fires an event waits for a frozen client at most
 * {@link #DIRECT_WAIT} once, then not at all, whatever the client does; a trickling reader that
 * keeps the transport's send timeout from firing fills the queue and is disconnected.
 *
 * <p>Order: the frames of one thread leave in the order it sent them; frames of different threads
 * have no order between them, as before.
 *
 * <p>Thread safety: safe for any number of sending threads.
 */
public final class OutboundQueue {
  /** How long a sender waits for the transport before its frame is queued instead. */
  public static final Duration DIRECT_WAIT = Duration.ofMillis(100);

  /** Most bytes waiting before the peer counts as too slow (one larger frame is let in alone). */
  public static final long MAX_QUEUED_BYTES = 64L << 20;

  private static final Logger LOG = LoggerFactory.getLogger(OutboundQueue.class);
  private static final AtomicLong WRITER_IDS = new AtomicLong();

  private final Connection connection;
  private final ConcurrentLinkedQueue<Entry> queue = new ConcurrentLinkedQueue<>();

  /** Frames queued or being written by the writer: direct sends go out only when it is 0. */
  private final AtomicInteger backlog = new AtomicInteger();

  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicBoolean writing = new AtomicBoolean();

  /** The largest frame the peer takes, from its handshake; null until then (no limit). */
  private volatile PeerLimit peerLimit;

  /**
   * What the peer announced ({@code announced}: its whole frames, sealed ones with their tags), and
   * the largest frame given to {@link #send} that fits: {@code announced - sealOverhead}.
   */
  private record PeerLimit(String peer, int announced, int sealOverhead) {
    int frames() {
      return Math.max(0, announced - sealOverhead);
    }
  }

  /** A frame in the queue, and the sender waiting for it, if any. */
  private static final class Entry {
    static final long QUEUED = 0;
    static final long TAKEN = 1;
    static final long WITHDRAWN = 2;
    static final AtomicLongFieldUpdater<Entry> STATE =
        AtomicLongFieldUpdater.newUpdater(Entry.class, "state");

    final ByteBuffer frame;
    final Thread waiter;
    volatile long state;

    Entry(ByteBuffer frame, Thread waiter) {
      this.frame = frame;
      this.waiter = waiter;
    }
  }

  /** A queue in front of {@code connection} (a transport connection or a secure channel). */
  public OutboundQueue(Connection connection) {
    this.connection = Objects.requireNonNull(connection, "connection == null");
  }

  /**
   * Sends {@code frame} after every frame queued before it, waiting for the transport at most
   * {@link #DIRECT_WAIT}. The caller may reuse its buffers once this returns (a queued frame is a
   * copy).
   *
   * @throws WitTransportException if the connection is closed, or closes because the peer is too
   *     slow
   */
  public void send(ByteBuffer... frame) {
    send(DIRECT_WAIT.toNanos(), frame);
  }

  /**
   * Like {@link #send(ByteBuffer...)}, waiting for the transport at most {@code directWaitNanos}
   * before the frame is queued (an asynchronous call that must return at once waits less).
   */
  public void send(long directWaitNanos, ByteBuffer... frame) {
    refuseIfAbovePeerLimit(frame);
    if (backlog.get() == 0 && connection.sendBefore(System.nanoTime() + directWaitNanos, frame)) {
      return;
    }
    refuseIfTooLarge(frame);
    enqueue(new Entry(copyOf(frame), null));
  }

  /**
   * Sends {@code frame} after every frame queued before it, waiting no later than {@code
   * deadlineNanos} and not after an interrupt (whose status stays set), like {@link
   * Connection#sendBefore}: false if the frame was not sent and never will be.
   */
  public boolean sendBefore(long deadlineNanos, ByteBuffer... frame) {
    refuseIfAbovePeerLimit(frame);
    if (backlog.get() == 0) {
      return connection.sendBefore(deadlineNanos, frame);
    }
    refuseIfTooLarge(frame);
    Entry entry = new Entry(copyOf(frame), Thread.currentThread());
    enqueue(entry);
    while (entry.state == Entry.QUEUED) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0 || Thread.currentThread().isInterrupted()) {
        if (Entry.STATE.compareAndSet(entry, Entry.QUEUED, Entry.WITHDRAWN)) {
          queue.remove(entry);
          release(entry);
          return false;
        }
        break; // the writer took it meanwhile
      }
      LockSupport.parkNanos(this, left);
    }
    return true;
  }

  /**
   * Refuses, here and now, a frame about to be queued that the connection would refuse ({@link
   * Connection#maxSendFrameSize}): queued, it would be refused later on the writer, where its
   * sender can no longer hear of it. (A frame sent directly is refused by the transport itself.)
   *
   * @throws WitTransportException naming the frame's size and the limit; the connection stays open
   */
  private void refuseIfTooLarge(ByteBuffer[] frame) {
    SendChecks.frameLength(connection.description(), connection.maxSendFrameSize(), frame);
  }

  /**
   * Sets the largest frame the peer takes, from its handshake: from now on a larger frame is
   * refused before any of it is sent, the connection left open (the peer would end the connection
   * for it).
   *
   * @param peer who announced it, for the refusal's message ("the server", "the client")
   * @param announced the peer's limit in bytes, on whole frames as they travel
   * @param sealOverhead what sealing adds to a frame given to {@link #send} (the tag, 16 bytes, on
   *     an encrypted connection; else 0)
   */
  public void peerMaxFrameSize(String peer, int announced, int sealOverhead) {
    Objects.requireNonNull(peer, "peer == null");
    if (announced < 0 || sealOverhead < 0) {
      throw new IllegalArgumentException("announced < 0 or sealOverhead < 0");
    }
    this.peerLimit = new PeerLimit(peer, announced, sealOverhead);
  }

  /**
   * The refusal {@link #send} would give {@code frame} for its size, without sending it; null if
   * its size is fine.
   */
  public WitTransportException refusal(ByteBuffer... frame) {
    try {
      refuseIfAbovePeerLimit(frame);
      refuseIfTooLarge(frame);
      return null;
    } catch (WitTransportException tooLarge) {
      return tooLarge;
    }
  }

  /**
   * Refuses a frame above the peer's announced limit, when that is not above the connection's own
   * (a frame above the connection's own limit only is refused by the connection, in its own words).
   *
   * @throws WitTransportException naming the frame's size, the peer and its limit; the connection
   *     stays open
   */
  private void refuseIfAbovePeerLimit(ByteBuffer[] frame) {
    PeerLimit limit = peerLimit;
    if (limit == null || limit.frames() > connection.maxSendFrameSize()) {
      return;
    }
    long length = 0;
    for (ByteBuffer part : frame) {
      length += part.remaining();
    }
    if (length > limit.frames()) {
      throw new WitTransportException(
          connection.description()
              + ": cannot send a frame of "
              + length
              + " bytes: "
              + limit.peer()
              + " accepts at most "
              + limit.announced()
              + " bytes (its maxFrameSize, announced in the handshake)"
              + (limit.sealOverhead() == 0
                  ? ""
                  : ", " + limit.frames() + " before the " + limit.sealOverhead() + "-byte seal")
              + "; nothing was sent");
    }
  }

  /** Frames waiting in the queue or being written from it (for tests). */
  public int backlog() {
    return backlog.get();
  }

  private void enqueue(Entry entry) {
    long bytes = entry.frame.remaining();
    long total = queuedBytes.addAndGet(bytes);
    if (total > MAX_QUEUED_BYTES && total != bytes) {
      queuedBytes.addAndGet(-bytes);
      String why =
          connection.description()
              + ": the peer reads far slower than it is sent to: more than "
              + (MAX_QUEUED_BYTES >> 20)
              + " MiB wait for it; disconnecting it";
      LOG.warn("{}", why);
      connection.close();
      throw new WitTransportException(why);
    }
    backlog.incrementAndGet();
    queue.add(entry);
    startWriter();
  }

  private void startWriter() {
    if (writing.compareAndSet(false, true)) {
      Thread writer =
          new Thread(this::writeQueued, "witrpc-send-queue-" + WRITER_IDS.incrementAndGet());
      writer.setDaemon(true);
      writer.start();
    }
  }

  /** The writer: sends the queued frames in order, then ends. */
  private void writeQueued() {
    while (true) {
      Entry entry;
      while ((entry = queue.poll()) != null) {
        if (!Entry.STATE.compareAndSet(entry, Entry.QUEUED, Entry.TAKEN)) {
          continue; // withdrawn by its waiting sender, who did the bookkeeping
        }
        if (entry.waiter != null) {
          LockSupport.unpark(entry.waiter);
        }
        try {
          connection.send(entry.frame);
        } catch (RuntimeException | Error e) {
          release(entry);
          if (connection.isOpen()) {
            // this frame refused, nothing of it sent: the frames after it still go
            LOG.warn("{}: a queued frame was not sent: {}", connection.description(), e.toString());
            continue;
          }
          LOG.debug("{}: queued frames dropped: {}", connection.description(), e.toString());
          dropAll();
          continue;
        }
        release(entry);
      }
      writing.set(false);
      // a frame queued after the last poll and before the flag was cleared found the flag set
      if (queue.isEmpty() || !writing.compareAndSet(false, true)) {
        return;
      }
    }
  }

  private void dropAll() {
    Entry entry;
    while ((entry = queue.poll()) != null) {
      if (Entry.STATE.compareAndSet(entry, Entry.QUEUED, Entry.TAKEN)) {
        if (entry.waiter != null) {
          LockSupport.unpark(entry.waiter); // its call fails with the connection
        }
        release(entry);
      }
    }
  }

  private void release(Entry entry) {
    queuedBytes.addAndGet(-entry.frame.capacity());
    backlog.decrementAndGet();
  }

  private static ByteBuffer copyOf(ByteBuffer[] parts) {
    long total = 0;
    for (ByteBuffer part : parts) {
      total += part.remaining();
    }
    ByteBuffer copy = ByteBuffer.allocate(Math.toIntExact(total));
    for (ByteBuffer part : parts) {
      copy.put(part.duplicate());
    }
    return copy.flip();
  }

  @Override
  public String toString() {
    return "OutboundQueue{"
        + connection.description()
        + ", backlog="
        + backlog.get()
        + ", bytes="
        + queuedBytes.get()
        + ", wait="
        + TimeUnit.NANOSECONDS.toMillis(DIRECT_WAIT.toNanos())
        + " ms}";
  }
}
