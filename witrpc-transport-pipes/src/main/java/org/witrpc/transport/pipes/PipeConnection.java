package org.witrpc.transport.pipes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.WitTransportException;
import org.witrpc.spi.Connection;
import org.witrpc.spi.FrameListener;

/**
 * One end of a pipe connection: length-prefixed frames ({@link PipeWire}) over a connected Unix
 * domain socket, read by one daemon thread that delivers them to the {@link FrameListener}.
 *
 * <p>Thread safety: {@link #send} may be called from any number of threads; a lock lets one writer
 * at a time put a whole frame on the socket. {@link #close} is idempotent and may be called from
 * any thread, including the listener's. The listener is called only from the reader thread, and
 * never while a lock is held; {@code onClosed} is called exactly once, after the last {@code
 * onFrame}. A thread interrupted while sending closes the connection (the JDK closes an
 * interruptible channel on interrupt).
 */
final class PipeConnection implements Connection {

  private static final Logger log = LoggerFactory.getLogger(PipeConnection.class);

  /** How long {@link #close} waits for the reader thread to deliver {@code onClosed}. */
  private static final long CLOSE_WAIT_MILLIS = 2_000;

  private final SocketChannel channel;
  private final String description;
  private final int maxFrameSize;
  private final Consumer<PipeConnection> onRelease;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final Object stateLock = new Object();
  private final FrameReader frames;

  private boolean closed; // guarded by stateLock
  private Throwable closeCause; // guarded by stateLock
  private volatile Thread reader;

  /**
   * @param onRelease called once, by whoever closes the connection first, before the listener's
   *     {@code onClosed}; must not call user code
   */
  PipeConnection(
      SocketChannel channel,
      String description,
      int maxFrameSize,
      Consumer<PipeConnection> onRelease) {
    this.channel = channel;
    this.description = description;
    this.maxFrameSize = maxFrameSize;
    this.onRelease = onRelease;
    this.frames = new FrameReader(channel, maxFrameSize, description);
  }

  /** Starts the reader thread that delivers frames and the end of the connection to listener. */
  void start(FrameListener listener, String threadName) {
    Objects.requireNonNull(listener, "listener == null");
    Thread thread = new Thread(() -> readLoop(listener), threadName);
    thread.setDaemon(true);
    reader = thread;
    thread.start();
  }

  @Override
  public void send(ByteBuffer... parts) {
    Objects.requireNonNull(parts, "parts == null");
    long length = 0;
    for (ByteBuffer part : parts) {
      length += Objects.requireNonNull(part, "parts contains null").remaining();
    }
    if (length > maxFrameSize) {
      throw new WitTransportException(
          description
              + ": cannot send a frame of "
              + length
              + " bytes: the maximum frame size is "
              + maxFrameSize
              + " bytes");
    }
    if (!isOpen()) {
      throw new WitTransportException(description + ": the connection is closed");
    }
    IOException failure = null;
    writeLock.lock();
    try {
      FrameWriter.write(channel, (int) length, parts);
    } catch (IOException e) {
      failure = e;
    } finally {
      writeLock.unlock();
    }
    if (failure != null) {
      WitTransportException e =
          new WitTransportException(
              description
                  + (failure instanceof ClosedChannelException
                      ? ": the connection is closed"
                      : ": sending failed, closing the connection: " + failure.getMessage()),
              failure);
      markClosed(e);
      throw e;
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
    markClosed(null);
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
        deliver(listener, frame);
      }
    } catch (WitTransportException e) {
      failure = e;
    } catch (IOException e) {
      failure = new WitTransportException(description + ": connection lost: " + e.getMessage(), e);
    } catch (OutOfMemoryError e) {
      failure = new WitTransportException(description + ": no memory for a frame: " + e, e);
    }
    if (markClosed(failure) && failure != null) {
      log.debug("{}", failure.getMessage());
    }
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

  private void deliver(FrameListener listener, ByteBuffer frame) {
    try {
      listener.onFrame(frame);
    } catch (RuntimeException e) {
      log.warn("{}: FrameListener.onFrame threw; the frame is dropped", description, e);
    }
  }

  /** Closes the socket and records why; false if the connection was already closed. */
  private boolean markClosed(Throwable cause) {
    synchronized (stateLock) {
      if (closed) {
        return false;
      }
      closed = true;
      closeCause = cause;
    }
    try {
      channel.close();
    } catch (IOException e) {
      log.debug("{}: closing the socket failed", description, e);
    }
    onRelease.accept(this);
    return true;
  }
}
