package org.witrpc.internal;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.WitSecurityException;
import org.witrpc.WitTransportException;
import org.witrpc.spi.Connection;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.ValueSpan;

/**
 * An encrypting layer between a transport's {@link Connection} and the protocol's {@link
 * FrameListener}. Frames pass in clear until the handshake installs the {@link FrameCipher}s; then
 * every frame sent is sealed and every frame received is opened before the listener sees it. A
 * frame that fails to open closes the connection; the listener's {@link FrameListener#onClosed}
 * then receives the {@link WitSecurityException}.
 *
 * <p>Used only when encryption is on, so a plain connection pays nothing for it.
 *
 * <p>A received frame is opened in place (in the transport's buffer, which belongs to the
 * listener): no second copy of the frame is made. A frame sent is sealed into a buffer of the
 * sealer's own, kept for the next frame ({@link FrameCipher#seal}), which the transport copies
 * before {@code send} returns.
 *
 * <p>Thread safety: {@link #send} may be called from any thread: sealing and handing the frame to
 * the transport happen in one turn (a permit), so nonces follow the wire order. A sealed frame is
 * always sent: if its sender gives up ({@link #sendBefore}) before the transport took it, a
 * short-lived thread keeps the turn and sends it, since skipping its nonce would break the stream.
 * Frames are opened on the transport's reader (one thread at a time). The ciphers are installed
 * once, by the handshake.
 *
 * <p>It keeps {@link FrameListener#onFrameIfQuick}'s default (false: every frame goes to {@code
 * onFrame} on the transport's reader): opening a frame spends its nonce, so a frame the listener
 * then declined could not be opened again, and a send takes this channel's own turn, which another
 * sender may hold, so it could wait on the transport's I/O thread. TLS, which needs no such layer,
 * keeps the quick path.
 */
public final class SecureChannel implements Connection, FrameListener {
  private static final Logger LOG = LoggerFactory.getLogger(SecureChannel.class);

  /** Far enough to never pass: a send with no deadline of its own. */
  private static final long NO_DEADLINE_NANOS = Long.MAX_VALUE / 4;

  private final Semaphore sendTurn = new Semaphore(1);
  private volatile Connection delegate;
  private volatile FrameListener listener;
  private FrameCipher sealer; // guarded by sendTurn
  private volatile FrameCipher opener;
  private volatile WitSecurityException failure;
  private volatile WarningThrottle unprovenPeers;
  private volatile boolean peerProven; // a frame of the peer has opened; written by the reader
  private int clearFrames; // frames received before the ciphers were installed; reader only

  /** A channel; {@link #attach} the transport's connection and {@link #listener} before use. */
  public SecureChannel() {}

  /**
   * Where a server's channel logs a frame that fails to open before any frame of the peer has
   * opened (a peer that has not shown it holds the keys: a wrong token-bound AUTH, a stranger), so
   * that such peers cannot flood the log; a failure after that is a WARN every time.
   */
  public SecureChannel unprovenPeerWarnings(WarningThrottle warnings) {
    this.unprovenPeers = Objects.requireNonNull(warnings, "warnings == null");
    return this;
  }

  /** Sets the transport connection this channel sends on. Once. */
  public SecureChannel attach(Connection connection) {
    this.delegate = Objects.requireNonNull(connection, "connection == null");
    return this;
  }

  /** Sets the protocol listener that receives the opened frames. Once. */
  public SecureChannel listener(FrameListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener == null");
    return this;
  }

  /**
   * Installs the ciphers: every frame sent or received from now on is encrypted. The caller makes
   * sure that no frame is in flight that was sent in clear after this point, which the handshake
   * guarantees (each side switches between its last clear frame and its first encrypted one).
   */
  public void start(FrameCipher sealer, FrameCipher opener) {
    this.opener = Objects.requireNonNull(opener, "opener == null");
    sendTurn.acquireUninterruptibly();
    try {
      this.sealer = Objects.requireNonNull(sealer, "sealer == null");
    } finally {
      sendTurn.release();
    }
  }

  /** True once the ciphers are installed. */
  public boolean encrypting() {
    return opener != null;
  }

  @Override
  public void send(ByteBuffer... parts) {
    if (!sendInTurn(System.nanoTime() + NO_DEADLINE_NANOS, parts)) {
      throw new WitTransportException(
          description() + ": interrupted while waiting to send; nothing was sent");
    }
  }

  @Override
  public boolean sendBefore(long deadlineNanos, ByteBuffer... parts) {
    return sendInTurn(deadlineNanos, parts);
  }

  private boolean sendInTurn(long deadlineNanos, ByteBuffer[] parts) {
    if (!SendBudget.takeTurn(sendTurn, deadlineNanos, true)) {
      return false;
    }
    boolean handedOver = false;
    try {
      if (sealer == null) {
        return delegate.sendBefore(deadlineNanos, parts);
      }
      refuseIfTooLargeSealed(parts);
      ByteBuffer frame;
      try {
        frame = sealer.seal(parts);
      } catch (WitSecurityException e) {
        fail(e, false);
        throw e;
      }
      boolean sent;
      try {
        sent = delegate.sendBefore(deadlineNanos, frame);
      } catch (RuntimeException | Error e) {
        // the transport refused a sealed frame (too large, say): its nonce is spent and the peer
        // would fail on the next frame, so the stream ends here, clearly
        failSealed(e);
        throw e;
      }
      if (!sent) {
        // its nonce is spent: the frame must go out before any other
        try {
          sendInBackground(frame);
        } catch (Throwable e) {
          failSealed(e);
          throw e;
        }
        handedOver = true;
      }
      return true;
    } finally {
      if (!handedOver) {
        sendTurn.release();
      }
    }
  }

  /**
   * Refuses a frame whose sealed form the transport would refuse, before it is sealed: its nonce is
   * not spent, so the stream goes on (a frame refused after sealing ends it).
   */
  private void refuseIfTooLargeSealed(ByteBuffer[] parts) {
    SendChecks.frameLength(description(), maxSendFrameSize(), parts);
  }

  @Override
  public int maxSendFrameSize() {
    int limit = delegate.maxSendFrameSize();
    return sealer == null || limit == Integer.MAX_VALUE
        ? limit
        : Math.max(0, limit - FrameCipher.TAG_SIZE);
  }

  /** The transport's limit: the peer's limit on sealed frames, tags included. */
  @Override
  public int maxReceiveFrameSize() {
    return delegate.maxReceiveFrameSize();
  }

  private void failSealed(Throwable e) {
    if (delegate.isOpen()) {
      LOG.warn(
          "{}: a sealed frame was not sent ({}); the encrypted stream cannot go on, closing",
          description(),
          e.toString());
      delegate.close();
    }
  }

  /** Sends a sealed frame whose sender gave up, keeping the turn until the transport has it. */
  private void sendInBackground(ByteBuffer frame) {
    Thread sender =
        new Thread(
            () -> {
              try {
                delegate.send(frame);
              } catch (WitTransportException e) {
                LOG.debug("{}: a sealed frame was not sent: {}", description(), e.getMessage());
              } finally {
                sendTurn.release();
              }
            },
            "witrpc-secure-send-" + description());
    sender.setDaemon(true);
    sender.start();
  }

  @Override
  public void onFrame(ByteBuffer frame) {
    FrameCipher o = opener;
    if (o == null && !clearFrameAllowed()) {
      return;
    }
    if (o != null) {
      if (failure != null) {
        return;
      }
      try {
        frame = o.open(frame);
      } catch (WitSecurityException e) {
        fail(e, true);
        return;
      }
      if (!peerProven) {
        peerProven = true;
      }
    }
    listener.onFrame(frame);
  }

  /**
   * A sealed frame's bytes are ciphertext: only a frame in clear has a value the listener reads.
   */
  @Override
  public ValueSpan largeValueSpan(ByteBuffer head, int frameLength) {
    return opener == null ? listener.largeValueSpan(head, frameLength) : null;
  }

  @Override
  public void onFrame(ByteBuffer frame, ValueSpan span, byte[] value) {
    if (opener == null) {
      if (clearFrameAllowed()) {
        listener.onFrame(frame, span, value);
      }
    } else {
      FrameListener.super.onFrame(frame, span, value); // whole again, then opened
    }
  }

  /**
   * Whether a frame that came before the ciphers were installed may pass in clear: only the first.
   * The handshake has one frame in clear each way (HELLO, HELLO_ACK), and the peer sends nothing
   * more until this side has installed its ciphers and sent its sealed AUTH. So a second frame in
   * clear is a peer that skips the key agreement: an impostor's AUTH_ACK or CALLBACK, which would
   * otherwise pass as the handshake's answer or an event. It closes the connection.
   */
  private boolean clearFrameAllowed() {
    if (failure != null) {
      return false; // closing already
    }
    if (++clearFrames == 1) {
      return true;
    }
    fail(
        new WitSecurityException(
            description()
                + ": the peer sent a second frame before the keys were agreed (the handshake"
                + " allows one, in clear): a broken peer or an impostor that skips the key"
                + " agreement"),
        true);
    return false;
  }

  private void fail(WitSecurityException e, boolean peerFrame) {
    if (failure == null) {
      failure = e;
    }
    WarningThrottle throttle = unprovenPeers;
    if (throttle != null && peerFrame && !peerProven) {
      throttle.warn(
          LOG,
          "sealed frame refused",
          "{}: {}; closing the connection",
          description(),
          e.getMessage());
    } else {
      LOG.warn("{}: {}; closing the connection", description(), e.getMessage());
    }
    delegate.close();
  }

  /**
   * The protocol listener's answer: opening a frame never waits (it is CPU work on the frame's own
   * bytes, a few microseconds for a small frame, about as long as the transport took to read a
   * large one), and a failed open only closes the connection. So an encrypted connection keeps what
   * its listener's non-blocking delivery saves: an {@code mmf://} client's reader waits on the
   * doorbell itself (no bell thread), a {@code tcp://} client's frames are opened and delivered on
   * the event loop (no thread hand-off per frame; a 16 MiB frame holds that loop for the time it
   * takes to decrypt, as it did to read).
   */
  @Override
  public boolean neverBlocks() {
    FrameListener l = listener;
    return l != null && l.neverBlocks();
  }

  @Override
  public void onClosed(Throwable cause) {
    WitSecurityException f = failure;
    listener.onClosed(f != null ? f : cause);
  }

  @Override
  public boolean readUntil(BooleanSupplier done, long deadlineNanos) {
    return delegate.readUntil(done, deadlineNanos);
  }

  /** An opened frame lives in the transport's buffer (opened in place): the transport's to take. */
  @Override
  public void recycle(ByteBuffer frame) {
    delegate.recycle(frame);
  }

  @Override
  public void allowLargeFrames() {
    delegate.allowLargeFrames();
  }

  @Override
  public boolean isOpen() {
    return delegate.isOpen();
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public java.util.Optional<java.security.Principal> peerPrincipal() {
    return delegate.peerPrincipal();
  }

  @Override
  public java.util.Optional<java.net.SocketAddress> peerAddress() {
    return delegate.peerAddress();
  }

  @Override
  public String description() {
    Connection d = delegate;
    return d == null ? "secure channel (unattached)" : d.description();
  }
}
