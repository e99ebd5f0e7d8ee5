package org.witrpc.internal;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.security.Principal;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.witrpc.spi.Connection;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.ValueSpan;

/**
 * The bytes of whole frames a server's or a client's connections sent and received, counted where
 * the transport takes and hands them (so an encrypted frame counts its ciphertext; transport
 * framing, such as a frame's length prefix on a socket, does not count). {@link #countSends} wraps
 * a connection and {@link #countReceives} its listener; both pass every other method through
 * unchanged, {@link FrameListener#neverBlocks()} and {@link FrameListener#onFrameIfQuick} included
 * (a frame that one declines is counted when {@code onFrame} takes it).
 *
 * <p>Thread safety: thread-safe. A frame costs one uncontended {@link LongAdder} add, done by the
 * thread that sends or receives it.
 */
public final class TrafficCounter {
  private final LongAdder sent = new LongAdder();
  private final LongAdder received = new LongAdder();

  /** Bytes of frames sent so far. */
  public long bytesSent() {
    return sent.sum();
  }

  /** Bytes of frames received so far. */
  public long bytesReceived() {
    return received.sum();
  }

  /** {@code connection}, counting what is sent through it. */
  public Connection countSends(Connection connection) {
    return new CountingConnection(connection);
  }

  /** {@code listener}, counting the frames it receives. */
  public FrameListener countReceives(FrameListener listener) {
    return new CountingListener(listener);
  }

  private static long remaining(ByteBuffer[] parts) {
    long n = 0;
    for (ByteBuffer part : parts) {
      n += part.remaining();
    }
    return n;
  }

  private final class CountingConnection implements Connection {
    private final Connection delegate;

    CountingConnection(Connection delegate) {
      this.delegate = delegate;
    }

    @Override
    public void send(ByteBuffer... parts) {
      long n = remaining(parts);
      delegate.send(parts);
      sent.add(n);
    }

    @Override
    public boolean sendBefore(long deadlineNanos, ByteBuffer... parts) {
      long n = remaining(parts);
      boolean done = delegate.sendBefore(deadlineNanos, parts);
      if (done) {
        sent.add(n);
      }
      return done;
    }

    @Override
    public boolean readUntil(BooleanSupplier done, long deadlineNanos) {
      return delegate.readUntil(done, deadlineNanos);
    }

    @Override
    public void allowLargeFrames() {
      delegate.allowLargeFrames();
    }

    @Override
    public void recycle(ByteBuffer frame) {
      delegate.recycle(frame);
    }

    @Override
    public Optional<Principal> peerPrincipal() {
      return delegate.peerPrincipal();
    }

    @Override
    public Optional<SocketAddress> peerAddress() {
      return delegate.peerAddress();
    }

    @Override
    public boolean isOpen() {
      return delegate.isOpen();
    }

    @Override
    public int maxSendFrameSize() {
      return delegate.maxSendFrameSize();
    }

    @Override
    public int maxReceiveFrameSize() {
      return delegate.maxReceiveFrameSize();
    }

    @Override
    public void close() {
      delegate.close();
    }

    @Override
    public String description() {
      return delegate.description();
    }

    @Override
    public String toString() {
      return delegate.toString();
    }
  }

  private final class CountingListener implements FrameListener {
    private final FrameListener delegate;

    CountingListener(FrameListener delegate) {
      this.delegate = delegate;
    }

    @Override
    public void onFrame(ByteBuffer frame) {
      received.add(frame.remaining());
      delegate.onFrame(frame);
    }

    @Override
    public ValueSpan largeValueSpan(ByteBuffer head, int frameLength) {
      return delegate.largeValueSpan(head, frameLength);
    }

    @Override
    public void onFrame(ByteBuffer frame, ValueSpan span, byte[] value) {
      received.add(frame.remaining() + (long) span.length()); // the frame without its value
      delegate.onFrame(frame, span, value);
    }

    @Override
    public boolean onFrameIfQuick(ByteBuffer frame) {
      int bytes = frame.remaining();
      if (!delegate.onFrameIfQuick(frame)) {
        return false;
      }
      received.add(bytes);
      return true;
    }

    @Override
    public void onClosed(Throwable cause) {
      delegate.onClosed(cause);
    }

    @Override
    public boolean neverBlocks() {
      return delegate.neverBlocks();
    }
  }
}
