package org.witrpc.server;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.WitException;
import org.witrpc.WitTransportException;
import org.witrpc.internal.Envelope;
import org.witrpc.internal.EnvelopeCodec;
import org.witrpc.internal.FrameCipher;
import org.witrpc.internal.Handshake;
import org.witrpc.internal.MessageType;
import org.witrpc.internal.OutboundQueue;
import org.witrpc.internal.ReceivedValue;
import org.witrpc.internal.SecureChannel;
import org.witrpc.spi.Connection;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.ValueSpan;

/**
 * The server's side of one client connection: its state, its frames and its end. Frames go to the
 * {@link ServerHandshake} (HELLO, AUTH) until the connection is READY, then REQUEST, SUBSCRIBE and
 * UNSUBSCRIBE go to the {@link RequestDispatcher}, which answers through {@link Responses} and
 * keeps the client's listeners in {@link Subscriptions}; those are removed from the implementations
 * when the connection ends. With encryption on, the connection's frames pass through a {@link
 * SecureChannel}, whose keys the handshake agrees.
 *
 * <p>A frame that breaks the protocol is answered with GOODBYE and the connection closed. Nothing
 * thrown while handling a frame reaches the transport's reader: a failure that leaves nothing else
 * to do closes the connection with a log line.
 *
 * <p>Everything a connection and its parts log goes to this class's logger.
 *
 * <p>Thread safety: frames arrive from the transport's reader one at a time (the handshake state is
 * touched only there); responses and callbacks are sent from any thread.
 */
final class ServerConnection implements FrameListener, WarmHandOff.Source {
  /** The one logger of a connection and its parts, so it is configured by one name as before. */
  static final Logger LOG = LoggerFactory.getLogger(ServerConnection.class);

  /**
   * How long a GOODBYE said on a failure (from a reader or the handshake timer, which serve other
   * work too) may wait for a client that does not read.
   */
  static final long GOODBYE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  /**
   * Largest frame {@link #onFrameIfQuick} takes: decoding its arguments and writing its answer cost
   * about as much as the thread hand-off the I/O thread saves.
   */
  static final int QUICK_FRAME_BYTES = 128 << 10;

  enum State {
    AWAIT_HELLO,
    AWAIT_AUTH,
    READY,
    CLOSED
  }

  private final Connection connection;

  /** Replies and events: a slow or frozen client holds no server thread (see OutboundQueue). */
  private final OutboundQueue outbound;

  private final ServerSettings settings;
  private final ServerHandshake handshake;
  private final Responses responses;
  private final Subscriptions subscriptions;
  private final RequestDispatcher requests;
  private volatile State state = State.AWAIT_HELLO;
  private volatile Peer peer;
  private final AtomicBoolean sizeRefusalLogged = new AtomicBoolean();

  /**
   * @param connection where frames are sent: the transport's connection, or {@code secure}
   * @param secure the encrypting layer when the server demands encryption, else null
   */
  ServerConnection(Connection connection, ServerSettings settings, SecureChannel secure) {
    this.connection = connection;
    this.outbound = new OutboundQueue(connection);
    this.settings = settings;
    this.handshake = new ServerHandshake(this, connection, settings, secure);
    this.responses = new Responses(this, settings.serializer(), settings.sendStackTraces());
    this.subscriptions = new Subscriptions(this, settings, responses);
    this.requests = new RequestDispatcher(this, settings, responses, subscriptions);
  }

  /** A listener for a new transport connection: wrapped in a {@link SecureChannel} if needed. */
  static FrameListener accept(Connection connection, ServerSettings settings) {
    if (!settings.encryption()) {
      ServerConnection sc = new ServerConnection(connection, settings, null);
      settings.lifecycle().add(sc);
      sc.handshake.startDeadline();
      return sc;
    }
    SecureChannel channel =
        new SecureChannel().attach(connection).unprovenPeerWarnings(settings.peerWarnings());
    ServerConnection sc = new ServerConnection(channel, settings, channel);
    settings.lifecycle().add(sc);
    sc.handshake.startDeadline();
    return channel.listener(sc);
  }

  String description() {
    return connection.description();
  }

  State state() {
    return state;
  }

  void state(State state) {
    this.state = state;
  }

  /**
   * Reads the transport's connection on the calling thread, delivering its frames here, until
   * {@code done} holds or the deadline passes ({@link Connection#readUntil}): a warm worker of the
   * server's executor waiting for this connection's next request.
   */
  @Override
  public boolean readUntil(BooleanSupplier done, long deadlineNanos) {
    return connection.readUntil(done, deadlineNanos);
  }

  /** True while the transport's connection is open. */
  boolean isOpen() {
    return connection.isOpen();
  }

  /** The client, as the handshake authorized it; null before READY. */
  Peer peer() {
    return peer;
  }

  void peer(Peer peer) {
    this.peer = peer;
  }

  /** Calls a CANCEL can reach now (for tests). */
  int runningCalls() {
    return requests.runningCalls();
  }

  /** Requests dispatched and not yet answered (for tests). */
  int inFlight() {
    return responses.inFlight();
  }

  /**
   * Handles on the transport's I/O thread what cannot wait there: a REQUEST whose method is known
   * quick ({@link RequestDispatcher#dispatchIfQuick}), a CANCEL that runs no {@code onCancel}
   * callback; anything else (the handshake, a frame that breaks the protocol, a SUBSCRIBE, a frame
   * larger than {@link #QUICK_FRAME_BYTES}, whose decoding alone takes long) goes to {@link
   * #onFrame}.
   */
  @Override
  public boolean onFrameIfQuick(ByteBuffer frame) {
    if (state != State.READY || frame.remaining() > QUICK_FRAME_BYTES) {
      return false;
    }
    Envelope env;
    try {
      env = EnvelopeCodec.decode(frame.duplicate()); // declined: onFrame decodes it again
    } catch (WitException e) {
      return false; // onFrame says why and closes
    }
    try {
      return switch (env.type()) {
        case REQUEST -> requests.dispatchIfQuick(env);
        case CANCEL -> requests.cancelIfQuick(env.correlationId());
        default -> false;
      };
    } catch (Throwable t) {
      failConnection("failed to handle a frame: " + t, t);
      return true;
    }
  }

  @Override
  public void onFrame(ByteBuffer frame) {
    try {
      receive(frame, null, null);
    } catch (Throwable t) {
      failConnection("failed to handle a frame: " + t, t);
    }
  }

  /**
   * A large {@code byte[]} argument of a READY connection's REQUEST ({@link RequestDispatcher}).
   */
  @Override
  public ValueSpan largeValueSpan(ByteBuffer head, int frameLength) {
    return state == State.READY ? requests.largeValueSpan(head, frameLength) : null;
  }

  @Override
  public void onFrame(ByteBuffer frame, ValueSpan span, byte[] value) {
    try {
      receive(frame, span, value);
    } catch (Throwable t) {
      failConnection("failed to handle a frame: " + t, t);
    }
  }

  /**
   * @param span where {@code value}, a large argument received apart, belongs in the frame (which
   *     lacks its bytes); null for a whole frame
   */
  private void receive(ByteBuffer frame, ValueSpan span, byte[] value) {
    Envelope env;
    try {
      env = EnvelopeCodec.decode(frame, span == null ? 0 : span.length());
    } catch (WitException e) {
      violation(e.getMessage());
      return;
    }
    if (span != null) {
      if (state != State.READY || env.type() != MessageType.REQUEST) {
        FrameListener.super.onFrame(frame, span, value); // whole again, for whoever reads it
        return;
      }
      // its arguments' decoder takes the value as it is
      env = env.withReceived(ReceivedValue.of(frame, span, value));
    }
    try {
      switch (state) {
        case AWAIT_HELLO -> handshake.onHello(env, frame);
        case AWAIT_AUTH -> handshake.onAuth(env);
        case READY -> onReady(env);
        case CLOSED -> LOG.debug("{}: frame after close dropped", description());
      }
    } catch (ClientGone e) {
      // a handshake answer found the connection closed: the client went away, no protocol fault
      state = State.CLOSED;
      LOG.debug("{}: closed while its frame was handled: {}", description(), e.getMessage());
    } catch (WitException e) {
      violation(e.getMessage());
    }
  }

  private void onReady(Envelope env) {
    switch (env.type()) {
      case REQUEST, SUBSCRIBE, UNSUBSCRIBE -> requests.dispatch(env);
      case CANCEL -> requests.cancel(env.correlationId());
      case GOODBYE -> {
        LOG.debug("{}: client said goodbye: {}", description(), Handshake.readGoodbye(env.body()));
        connection.close();
      }
      default -> violation("unexpected " + env.type() + " from a client");
    }
  }

  /**
   * Gives a request's frame (or its body) back to the transport once nothing reads it any more
   * ({@link Connection#recycle}).
   */
  void recycle(ByteBuffer frame) {
    connection.recycle(frame);
  }

  /** A handshake answer that found the connection closed: the client is gone. */
  static final class ClientGone extends WitTransportException {
    private static final long serialVersionUID = 1L;

    ClientGone(WitTransportException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /** Says GOODBYE naming the protocol violation and closes the connection. */
  void violation(String reason) {
    if (state == State.READY) {
      LOG.warn("{}: protocol violation, closing: {}", description(), reason);
    } else { // a peer that has not authenticated: it must not flood the log
      settings
          .peerWarnings()
          .warn(
              LOG,
              "protocol violation before READY",
              "{}: protocol violation, closing: {}",
              description(),
              reason);
    }
    state = State.CLOSED;
    try {
      connection.send(Handshake.goodbye("protocol violation: " + reason));
    } catch (WitException e) {
      LOG.debug("{}: could not send GOODBYE", description(), e);
    } finally {
      connection.close();
    }
  }

  /** Closes the connection after a failure that leaves nothing else to do; never throws. */
  void failConnection(String reason, Throwable t) {
    try {
      LOG.error("{}: {}; closing the connection", description(), reason, t);
      goodbye(reason, System.nanoTime() + GOODBYE_WAIT_NANOS);
    } catch (Throwable again) {
      state = State.CLOSED;
      connection.close();
    }
  }

  /** Sends a frame; never throws (a failure the transport did not report closes the connection). */
  void send(ByteBuffer... frame) {
    WitException refused = sendOrRefusal(frame);
    if (refused != null) {
      LOG.warn("{}: a frame was not sent: {}", description(), refused.getMessage());
    }
  }

  /**
   * The refusal {@link #send} would give {@code frame} for its size (the transport's limit or the
   * client's, {@link OutboundQueue#maxSendFrameSize}), without sending it; null if its size is
   * fine.
   */
  WitException refusal(ByteBuffer... frame) {
    return outbound.refusal(frame);
  }

  /**
   * Logs a frame not sent for its size ({@code what}: "callback X", "the result of X"): at WARN the
   * first time on this connection, at DEBUG after, so that a client with a small maxFrameSize and
   * many subscriptions cannot flood the server's log.
   */
  void logRefused(String what, WitException refused) {
    if (sizeRefusalLogged.compareAndSet(false, true)) {
      LOG.warn(
          "{}: {} not sent: {} (later frames refused for their size on this connection are logged"
              + " at DEBUG)",
          description(),
          what,
          refused.getMessage());
    } else {
      LOG.debug("{}: {} not sent: {}", description(), what, refused.getMessage());
    }
  }

  /**
   * Sets the largest frame the client takes, from its HELLO ({@link Connection#maxReceiveFrameSize}
   * on its side): a larger answer or callback is refused before it is sent (an answer becomes a 500
   * saying so), instead of ending the connection on the client.
   */
  void peerMaxFrameSize(int maxFrameSize) {
    outbound.peerMaxFrameSize(
        "the client", maxFrameSize, settings.encryption() ? FrameCipher.TAG_SIZE : 0);
  }

  /**
   * Sends a frame like {@link #send}; returns the transport's refusal if it refused the frame with
   * the connection still open (nothing of it sent: a frame larger than the client's maximum frame
   * size, as a rule), so that the caller can answer otherwise; null if it was sent or the
   * connection is gone.
   */
  WitException sendOrRefusal(ByteBuffer... frame) {
    try {
      outbound.send(frame);
      return null;
    } catch (WitException e) {
      if (connection.isOpen()) {
        return e;
      }
      LOG.debug("{}: send failed (client gone?)", description(), e);
      return null;
    } catch (Throwable t) {
      // what reached the peer is unknown: the stream cannot be trusted any more
      failConnection("send failed: " + t, t);
      return null;
    }
  }

  /**
   * Says GOODBYE with {@code reason} (best effort: given up at {@code deadlineNanos}, for a client
   * that does not read) and closes the connection.
   */
  void goodbye(String reason, long deadlineNanos) {
    state = State.CLOSED;
    try {
      // behind the replies and events already queued for this client, if it takes them in time
      if (!outbound.sendBefore(deadlineNanos, Handshake.goodbye(reason))) {
        LOG.debug("{}: GOODBYE not sent: the client takes no bytes", description());
      }
    } catch (WitException e) {
      LOG.debug("{}: could not send GOODBYE", description(), e);
    } finally {
      connection.close();
    }
  }

  @Override
  public void onClosed(Throwable cause) {
    handshake.onClosed(cause);
    settings.lifecycle().remove(this);
    state = State.CLOSED;
    handshake.cancelDeadline();
    LOG.debug("{}: closed", description(), cause);
    requests.cancelAll(); // the client is gone: nobody waits for its calls any more
    subscriptions.removeAll();
  }
}
