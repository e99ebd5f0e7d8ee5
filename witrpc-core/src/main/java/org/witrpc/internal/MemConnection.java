package org.witrpc.internal;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.WitTransportException;
import org.witrpc.spi.Connection;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.TransportOptions;

/**
 * One end of an in-process connection. Sending copies the frame into the peer's inbox; each end has
 * its own daemon reader thread that delivers the inbox to its listener, so frames never arrive on
 * the sender's thread.
 *
 * <p>Like the other transports, an end accepts frames of at most {@link
 * TransportOptions#HANDSHAKE_FRAME_LIMIT} bytes until {@link #allowLargeFrames()}; a larger frame
 * sent to it closes the connection (the receiver refuses it), as a socket peer's would.
 *
 * <p>Thread safety: as {@link Connection}: send from any thread, close idempotent.
 */
public final class MemConnection implements Connection {
  private static final Logger LOG = LoggerFactory.getLogger(MemConnection.class);
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);

  /** The end-of-stream marker in an inbox, carrying the cause for onClosed. */
  private record End(Throwable cause) {}

  private final String description;
  private final int maxFrameSize;
  private final Runnable onEnd;
  private final LinkedBlockingDeque<Object> inbox = new LinkedBlockingDeque<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile MemConnection peer;
  private volatile FrameListener listener;
  private volatile Thread reader;
  private volatile int receiveLimit;

  public MemConnection(String description, int maxFrameSize, Runnable onEnd) {
    this.description = description;
    this.maxFrameSize = maxFrameSize;
    this.onEnd = onEnd;
    this.receiveLimit = Math.min(maxFrameSize, TransportOptions.HANDSHAKE_FRAME_LIMIT);
  }

  public static void pair(MemConnection a, MemConnection b) {
    a.peer = b;
    b.peer = a;
  }

  /** Starts delivering frames to {@code l} on a new reader thread. */
  public void start(FrameListener l) {
    listener = l;
    Thread t = new Thread(this::readLoop, "witrpc-mem-" + description);
    t.setDaemon(true);
    reader = t;
    t.start();
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
    if (closed.get()) {
      throw new WitTransportException(description + " is closed");
    }
    long total = 0;
    for (ByteBuffer p : parts) {
      total += p.remaining();
    }
    if (total > maxFrameSize) {
      throw new WitTransportException(
          description + ": frame of " + total + " bytes exceeds the maximum of " + maxFrameSize);
    }
    MemConnection to = peer;
    if (to == null || to.closed.get()) {
      throw new WitTransportException(description + ": the peer has closed the connection");
    }
    int limit = to.receiveLimit;
    if (total > limit) {
      // the receiver refuses it before copying, and the connection ends, as over a socket
      WitTransportException refused =
          new WitTransportException(
              to.description()
                  + ": the peer sent a frame of "
                  + total
                  + " bytes, above the "
                  + (limit < to.maxFrameSize ? "limit before the connection is ready" : "maximum")
                  + " of "
                  + limit
                  + " bytes; closing the connection");
      to.end(refused, true);
      throw refused;
    }
    ByteBuffer copy = ByteBuffer.allocate((int) total);
    for (ByteBuffer p : parts) {
      copy.put(p);
    }
    copy.flip();
    to.inbox.addLast(copy);
  }

  @Override
  public void allowLargeFrames() {
    receiveLimit = maxFrameSize;
  }

  @Override
  public boolean isOpen() {
    return !closed.get();
  }

  @Override
  public void close() {
    end(null, true);
    Thread t = reader;
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(JOIN_TIMEOUT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Ends this side; a local close skips undelivered frames, a peer close delivers them first. */
  private void end(Throwable cause, boolean local) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (local) {
      inbox.addFirst(new End(cause));
    } else {
      inbox.addLast(new End(cause));
    }
    onEnd.run();
    MemConnection p = peer;
    if (p != null) {
      p.end(new WitTransportException(p.description + ": the peer closed the connection"), false);
    }
  }

  private void readLoop() {
    try {
      while (true) {
        Object next = inbox.take();
        if (next instanceof End end) {
          inbox.clear();
          listener.onClosed(end.cause());
          return;
        }
        try {
          listener.onFrame((ByteBuffer) next);
        } catch (Throwable e) {
          // an Error too (a StackOverflowError): the connection ends, its reader never dies
          // silently
          LOG.warn("{}: frame listener failed; closing the connection", description, e);
          end(new WitTransportException(description + ": frame listener failed: " + e, e), true);
        }
      }
    } catch (InterruptedException e) {
      LOG.debug("{}: reader interrupted", description);
    } catch (Throwable e) {
      LOG.warn("{}: listener failed in onClosed", description, e);
    }
  }

  @Override
  public String description() {
    return "mem://" + description;
  }

  @Override
  public String toString() {
    return description();
  }
}
