package org.witrpc.transport.tcp.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.security.Principal;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.WitTransportException;
import org.witrpc.internal.SendBudget;
import org.witrpc.internal.SendChecks;
import org.witrpc.spi.Connection;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.SendStalledException;

/**
 * A witrpc {@link Connection} on a Netty {@link Channel}, independent of the framing ({@link
 * FrameFormat} writes, a decoder in the pipeline calls {@link #received}).
 *
 * <p>Sending: one sender at a time holds the send role and hands its frame to the channel in chunks
 * of at most {@link #CHUNK_BYTES}, each copied into a pooled buffer. Before each chunk it waits
 * while the channel is not writable (its outbound buffer is above the high-water mark), bounded by
 * its {@link SendBudget}: a peer that takes no bytes for the send timeout is stalled and the
 * connection closes ({@link SendStalledException}). So memory per connection is bounded by the
 * high-water mark plus one chunk, never a queue of frames. A caller that gives up before its first
 * chunk withdraws the frame; after, the rest is copied and finished by a short-lived {@code
 * witrpc-tcp-send-...} thread that holds the role until the frame is handed over. Heartbeat
 * messages take the role too ({@link #trySendControl}), so they never land inside a frame.
 *
 * <p>Receiving: frames go to the listener through its {@link FrameDelivery}: on the event loop for
 * a listener that never blocks, else on a thread of the connection's own, except the frames the
 * listener {@linkplain FrameListener#onFrameIfQuick takes on the event loop} while that thread has
 * nothing to do. For such an offer the event loop takes the send role first (and makes none if the
 * role is busy or the channel not writable), so an answer sent from there is written at once,
 * straight to the socket. Any other send from the event loop never waits there for writability or
 * for the send role, which only the event loop itself could give: {@link #sendBefore} returns false
 * and {@link #send} fails at once; so does the rest of an offer's frame once the channel is no
 * longer writable, which a {@code witrpc-tcp-send-...} thread then finishes.
 *
 * <p>Thread safety: {@link #send} from any number of threads; {@link #close} idempotent, from any
 * thread including the listener's; {@code onClosed} exactly once, after the last {@code onFrame}.
 */
public final class NettyConnection implements Connection {

  private static final Logger log = LoggerFactory.getLogger(NettyConnection.class);

  /** Most bytes of a frame copied and handed to the channel at once. */
  public static final int CHUNK_BYTES = 256 << 10;

  /** Longest single wait for writability before progress and budget are checked again. */
  private static final long WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  /** How long {@link #close} waits for the listener's {@code onClosed}. */
  private static final long CLOSE_WAIT_MILLIS = 2_000;

  private final Channel channel;
  private final String description;
  private final SocketAddress peerAddress; // kept: a closed channel has none
  private final int maxFrameSize;
  private final Duration sendTimeout;
  private final FrameFormat format;
  private final FrameLimit frameLimit;
  private final Consumer<NettyConnection> onRelease;
  private final Semaphore sendRole = new Semaphore(1);
  private final Object writability = new Object();
  private final Object stateLock = new Object();

  /** The event loop holds the send role for an offer to the listener (event loop only). */
  private boolean roleOnLoop;

  private volatile Principal peerPrincipal;
  private volatile boolean closed; // written under stateLock
  private Throwable closeCause; // guarded by stateLock
  private FrameDelivery delivery; // guarded by stateLock

  /**
   * @param onRelease called once, by whoever closes the connection first; must not call user code
   */
  public NettyConnection(
      Channel channel,
      String description,
      int maxFrameSize,
      Duration sendTimeout,
      FrameFormat format,
      FrameLimit frameLimit,
      Consumer<NettyConnection> onRelease) {
    this.channel = channel;
    this.peerAddress = channel.remoteAddress();
    this.description = description;
    this.maxFrameSize = maxFrameSize;
    this.sendTimeout = sendTimeout;
    this.format = format;
    this.frameLimit = frameLimit;
    this.onRelease = onRelease;
  }

  /**
   * The handler that tells this connection about writability, the end and errors (pipeline tail).
   */
  public ChannelInboundHandlerAdapter channelHandler() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        synchronized (writability) {
          writability.notifyAll();
        }
        ctx.fireChannelWritabilityChanged();
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) {
        // the frames the peer sent before closing are still delivered
        close(new WitTransportException(description + ": the peer closed the connection"), true);
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(
            cause instanceof WitTransportException
                ? cause
                : new WitTransportException(
                    description + ": connection lost: " + cause.getMessage(), cause));
      }
    };
  }

  /** Sets the peer's authenticated identity (before the connection is handed out). */
  public void peerPrincipal(Principal principal) {
    this.peerPrincipal = principal;
  }

  /**
   * Starts delivering frames to {@code listener}: on the event loop if it {@linkplain
   * FrameListener#neverBlocks never blocks}, else on a thread named {@code threadName}.
   */
  public void start(FrameListener listener, String threadName) {
    Objects.requireNonNull(listener, "listener == null");
    FrameDelivery d =
        FrameDelivery.of(
            channel,
            description,
            threadName,
            listener,
            this::fail,
            frame -> offerOnLoop(listener, frame));
    Throwable endedWith;
    boolean ended;
    synchronized (stateLock) {
      delivery = d;
      ended = closed;
      endedWith = closeCause;
    }
    d.start();
    if (ended) {
      d.end(endedWith, false);
    }
  }

  /**
   * Offers {@code frame} to the listener's {@link FrameListener#onFrameIfQuick} on the event loop,
   * holding the send role meanwhile so that its answer goes out at once; no offer (false) while the
   * role is busy or the channel is not writable, since such an answer would have to wait.
   */
  private boolean offerOnLoop(FrameListener listener, ByteBuffer frame) {
    if (!channel.isWritable() || !sendRole.tryAcquire()) {
      return false;
    }
    roleOnLoop = true;
    try {
      return ListenerCalls.onFrameIfQuick(listener, frame, description, this::fail);
    } finally {
      if (roleOnLoop) { // else a finisher holds it now
        roleOnLoop = false;
        sendRole.release();
      }
    }
  }

  /** A frame decoded by the pipeline (event loop). */
  public void received(ByteBuffer frame) {
    FrameDelivery d;
    synchronized (stateLock) {
      d = delivery;
    }
    if (d != null && !closed) {
      d.frame(frame);
    }
  }

  /** Whether this side stopped reading because its listener is behind. */
  public boolean readsPaused() {
    FrameDelivery d;
    synchronized (stateLock) {
      d = delivery;
    }
    return d != null && d.readsPaused();
  }

  /**
   * Writes a transport message (a heartbeat) between frames, unless a frame is on its way (then
   * skipped: the frame's own bytes show life) or the peer is not reading (the outbound buffer is
   * above its high-water mark: then skipped too, so a peer that floods pings and reads nothing
   * cannot pile up pongs here). Called on the event loop; the write is queued behind the chunks
   * already handed over.
   */
  public void trySendControl(Object message) {
    if (closed || !channel.isWritable() || !sendRole.tryAcquire()) {
      ReferenceCountUtil.release(message);
      return;
    }
    try {
      channel
          .eventLoop()
          .execute(
              () -> {
                try {
                  channel.writeAndFlush(message, channel.voidPromise());
                } finally {
                  sendRole.release();
                }
              });
    } catch (RejectedExecutionException e) {
      ReferenceCountUtil.release(message);
      sendRole.release();
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
    if (channel.eventLoop().inEventLoop()) {
      // the writability and the send role a wait would be for are given back by this very thread
      if (roleOnLoop && channel.isWritable()) {
        sendOnLoop(new OutgoingFrame(length, parts));
        return true;
      }
      if (hasDeadline) {
        return false;
      }
      throw new IllegalStateException(
          description
              + ": a send on the I/O thread that cannot go out at once (a listener may send there"
              + " only from onFrameIfQuick, while the connection is writable)");
    }
    if (!SendBudget.takeTurn(sendRole, deadlineNanos, hasDeadline)) {
      return false;
    }
    OutgoingFrame frame = new OutgoingFrame(length, parts);
    boolean handedOver = false;
    try {
      // the send timeout counts from the first wait, not from the start of the send
      writeAll(
          frame,
          () ->
              hasDeadline
                  ? SendBudget.until(deadlineNanos, sendTimeout)
                  : SendBudget.untilInterrupted(sendTimeout));
      return true;
    } catch (SendBudget.GiveUp giveUp) {
      if (!frame.started()) {
        return false;
      }
      try {
        frame.detach();
        finishInBackground(frame);
      } catch (Throwable e) {
        // no copy or no thread: the frame cannot be finished, so the stream cannot go on
        fail(new WitTransportException(description + ": cannot finish a frame: " + e, e));
        throw e;
      }
      handedOver = true;
      return true;
    } catch (SendStalledException e) {
      throw stalled(e);
    } catch (RuntimeException | Error e) {
      if (frame.started() && !frame.done()) {
        fail(new WitTransportException(description + ": a frame was cut short: " + e, e));
      }
      throw e;
    } finally {
      if (!handedOver) {
        sendRole.release();
      }
    }
  }

  /**
   * Writes the frame from the event loop, which holds the send role for an offer, while the channel
   * stays writable (the writes go straight to the socket); a rest is finished by a thread, which
   * takes the role over.
   */
  private void sendOnLoop(OutgoingFrame frame) {
    try {
      do {
        writeChunk(frame);
      } while (!frame.done() && channel.isWritable());
      if (!frame.done()) {
        frame.detach();
        finishInBackground(frame);
        roleOnLoop = false;
      }
    } catch (RuntimeException | Error e) {
      if (frame.started() && !frame.done()) {
        fail(new WitTransportException(description + ": a frame was cut short: " + e, e));
      }
      throw e;
    }
  }

  /** Hands the frame to the channel chunk by chunk, waiting while the channel is not writable. */
  private void writeAll(OutgoingFrame frame, Supplier<SendBudget> budgets) {
    SendBudget budget = null;
    while (!frame.done()) {
      ensureOpen();
      if (channel.isWritable()) {
        writeChunk(frame);
      } else {
        if (budget == null) {
          budget = budgets.get();
        }
        awaitWritable(budget);
      }
    }
  }

  private void writeChunk(OutgoingFrame frame) {
    boolean first = !frame.started();
    int bytes = Math.min(CHUNK_BYTES, frame.remaining());
    ByteBuf chunk = channel.alloc().ioBuffer((first ? format.prefixBytes() : 0) + bytes);
    try {
      if (first) {
        format.writePrefix(chunk, frame.length());
      }
      frame.copyTo(chunk, bytes);
    } catch (RuntimeException | Error e) {
      chunk.release();
      throw e;
    }
    frame.markStarted();
    // a failed write reaches exceptionCaught, which closes the connection
    channel.writeAndFlush(
        format.message(chunk, first, frame.remaining() == 0), channel.voidPromise());
  }

  /**
   * Waits until the channel is writable or the connection closes. Bytes leaving the outbound buffer
   * count as the peer's progress.
   *
   * @throws SendBudget.GiveUp if the caller's deadline passes or it is interrupted
   * @throws SendStalledException if the peer takes no bytes for the send timeout
   */
  private void awaitWritable(SendBudget budget) {
    long pending = channel.bytesBeforeWritable();
    synchronized (writability) {
      while (!closed && !channel.isWritable()) {
        long wait = Math.min(budget.waitNanos(), WAIT_SLICE_NANOS);
        try {
          TimeUnit.NANOSECONDS.timedWait(writability, wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt(); // the budget sees it and gives up
        }
        long now = channel.bytesBeforeWritable();
        if (now < pending) {
          budget.progress();
          pending = now;
        }
      }
    }
  }

  /** Finishes a frame whose sender gave up half-way, then passes the send role on. */
  private void finishInBackground(OutgoingFrame frame) {
    Thread finisher =
        new Thread(
            () -> {
              try {
                writeAll(frame, () -> SendBudget.background(sendTimeout));
              } catch (SendStalledException e) {
                stalled(e);
              } catch (RuntimeException e) {
                fail(
                    new WitTransportException(
                        description + ": finishing a frame failed: " + e.getMessage(), e));
              } finally {
                sendRole.release();
              }
            },
            "witrpc-tcp-send-" + description);
    finisher.setDaemon(true);
    finisher.start();
  }

  private SendStalledException stalled(SendStalledException cause) {
    SendStalledException e =
        new SendStalledException(description + ": " + cause.getMessage() + "; disconnecting it");
    if (fail(e)) {
      log.warn("{}", e.getMessage());
    }
    return e;
  }

  private void ensureOpen() {
    if (closed) {
      Throwable cause;
      synchronized (stateLock) {
        cause = closeCause;
      }
      throw new WitTransportException(
          description
              + ": the connection is closed"
              + (cause != null ? ": " + cause.getMessage() : ""),
          cause);
    }
  }

  @Override
  public void allowLargeFrames() {
    frameLimit.raise();
  }

  /**
   * Whether the protocol layer has called {@link #allowLargeFrames}, which it does once the
   * connection is READY (handshake and authorization done).
   */
  public boolean isReady() {
    return frameLimit.raised();
  }

  @Override
  public Optional<Principal> peerPrincipal() {
    return Optional.ofNullable(peerPrincipal);
  }

  @Override
  public Optional<SocketAddress> peerAddress() {
    return Optional.ofNullable(peerAddress);
  }

  @Override
  public boolean isOpen() {
    return !closed;
  }

  @Override
  public void close() {
    if (!fail(null)) {
      return; // closed before: whoever closed it first waited for the listener
    }
    FrameDelivery d;
    synchronized (stateLock) {
      d = delivery;
    }
    if (d == null) {
      return;
    }
    try {
      if (!d.awaitEnd(CLOSE_WAIT_MILLIS)) {
        log.warn(
            "{}: closed, but its listener has not returned after {} ms",
            description,
            CLOSE_WAIT_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Closes the channel and records why (null: a local close); false if it was closed already. The
   * listener's {@code onClosed} follows on the delivery thread.
   */
  public boolean fail(Throwable cause) {
    return close(cause, false);
  }

  /**
   * Closes the channel because the peer ended the connection in good order, with {@code cause} as
   * the reason; the frames it sent before are still delivered. False if it was closed already.
   */
  public boolean endedByPeer(Throwable cause) {
    return close(cause, true);
  }

  private boolean close(Throwable cause, boolean deliverWaiting) {
    FrameDelivery d;
    synchronized (stateLock) {
      if (closed) {
        return false;
      }
      closed = true;
      closeCause = cause;
      d = delivery;
    }
    channel.close();
    synchronized (writability) {
      writability.notifyAll();
    }
    onRelease.accept(this);
    if (d != null) {
      d.end(cause, deliverWaiting);
    }
    if (cause != null) {
      log.debug("{}", cause.getMessage());
    }
    return true;
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public String toString() {
    return description;
  }
}
