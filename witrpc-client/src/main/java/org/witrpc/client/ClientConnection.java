package org.witrpc.client;

import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.Status;
import org.witrpc.WitException;
import org.witrpc.WitSecurityException;
import org.witrpc.WitTransportException;
import org.witrpc.internal.Envelope;
import org.witrpc.internal.EnvelopeCodec;
import org.witrpc.internal.Handshake;
import org.witrpc.internal.JacksonSerializer;
import org.witrpc.internal.MessageType;
import org.witrpc.internal.OutboundQueue;
import org.witrpc.internal.ReceivedValue;
import org.witrpc.spi.Connection;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.Serializer;
import org.witrpc.spi.ValueSpan;

/**
 * The client's side of one connection: receives frames on the transport's reader, hands handshake
 * answers to the connecting thread, completes pending calls with their RESPONSE, passes CALLBACKs
 * to the {@link CallbackDispatcher}, and fails every pending call when the connection ends.
 *
 * <p>Thread safety: frames arrive one at a time from the reader; everything else is safe for
 * concurrent use.
 */
final class ClientConnection implements FrameListener {
  private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);

  /** Put in the handshake queue when the connection ends. */
  private record Closed(Throwable cause) {}

  private static final AtomicLong SERIALS = new AtomicLong();

  private final long serial = SERIALS.incrementAndGet();
  private final PendingCalls pending = new PendingCalls();
  private final Serializer serializer;
  private final CallbackDispatcher callbacks;
  private final BiConsumer<ClientConnection, WitTransportException> onLost;
  private final LinkedBlockingQueue<Object> handshakeReplies = new LinkedBlockingQueue<>();
  private volatile Connection connection;
  private volatile OutboundQueue outbound;
  private volatile boolean ready;
  private volatile boolean closed;
  private volatile int maxMetadataBytes;

  /** How long {@link #close(String)} waits for the server to take its GOODBYE. */
  private static final Duration GOODBYE_WAIT = Duration.ofMillis(200);

  private volatile String goodbye;

  /**
   * @param maxUndeliveredCallbacks most callbacks waiting for their listener before the connection
   *     is closed
   * @param onLost told once, on the closing thread, when the connection ends (after every pending
   *     call failed); its argument names the reason (the server's GOODBYE, if any)
   */
  ClientConnection(
      Serializer serializer,
      Subscriptions subscriptions,
      int maxUndeliveredCallbacks,
      BiConsumer<ClientConnection, WitTransportException> onLost) {
    this.serializer = serializer;
    this.callbacks =
        new CallbackDispatcher(
            serializer,
            subscriptions,
            maxUndeliveredCallbacks,
            reason -> {
              goodbye = reason; // logged by the dispatcher; names the cause for pending calls
              connection.close();
            },
            this::readUntil);
    this.onLost = onLost;
  }

  /**
   * Reads the connection until {@code done} holds, as {@link Connection#readUntil}; once attached.
   */
  private boolean readUntil(BooleanSupplier done, long deadlineNanos) {
    Connection c = connection;
    return c != null && c.readUntil(done, deadlineNanos);
  }

  void attach(Connection connection) {
    this.outbound = new OutboundQueue(connection);
    this.connection = connection;
  }

  Connection connection() {
    return connection;
  }

  /** This connection's number in the process, for telling connections apart without holding one. */
  long serial() {
    return serial;
  }

  /** Where calls are sent: in order per thread, without waiting long for a slow server. */
  OutboundQueue outbound() {
    return outbound;
  }

  /** The largest metadata block the server accepts, as its HELLO_ACK announced. */
  int maxMetadataBytes() {
    return maxMetadataBytes;
  }

  void maxMetadataBytes(int bytes) {
    this.maxMetadataBytes = bytes;
  }

  PendingCalls pending() {
    return pending;
  }

  CallbackDispatcher callbacks() {
    return callbacks;
  }

  /** True once the connection has ended (every pending call failed). */
  boolean isClosed() {
    return closed;
  }

  boolean isOpen() {
    Connection c = connection;
    return c != null && c.isOpen();
  }

  /**
   * True once the transport or this side has ended the connection, also before the end is reported:
   * a frame it refuses now surely never left.
   */
  boolean hasEnded() {
    return closed || !isOpen();
  }

  /**
   * The next handshake answer. Where the transport lets it ({@link Connection#readUntil}), this
   * thread first reads the answer from the connection itself for up to {@code spinNanos} (the
   * client's spin budget), as a caller reads its reply: an answer that comes within it costs no
   * wake-up of the transport's reader nor of this thread; then it parks until the transport's
   * reader hands the answer over.
   *
   * @throws WitTransportException if the connection ends or the timeout passes first
   */
  Envelope awaitHandshake(long timeoutNanos, long spinNanos, String address) {
    long start = System.nanoTime();
    long deadline = start + timeoutNanos;
    if (spinNanos > 0 && handshakeReplies.isEmpty()) {
      long readEnd = start + Math.min(timeoutNanos, spinNanos);
      connection.readUntil(() -> !handshakeReplies.isEmpty(), readEnd);
    }
    Object next;
    try {
      next = handshakeReplies.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WitTransportException("interrupted during the handshake with " + address, e);
    }
    if (next == null) {
      throw new WitTransportException("no handshake answer from " + address + " in time");
    }
    if (next instanceof Closed closed) {
      if (closed.cause().getCause() instanceof WitSecurityException security) {
        throw new WitSecurityException(
            "the connection to "
                + address
                + " failed during the handshake: "
                + security.getMessage(),
            security);
      }
      String why = goodbye != null ? ": " + goodbye : "";
      throw new WitTransportException(
          address + " closed the connection during the handshake" + why, closed.cause());
    }
    return (Envelope) next;
  }

  /**
   * True: a frame completes a call, queues a callback or closes the connection, and the end fails
   * the pending calls and hands the state change on; none of it waits or sends.
   */
  @Override
  public boolean neverBlocks() {
    return true;
  }

  @Override
  public void onFrame(ByteBuffer frame) {
    onFrame(frame, null, null);
  }

  /**
   * A large {@code byte[]} value that its decoder can take as the transport receives it: the result
   * of a successful RESPONSE to a call whose result is a {@code byte[]}, or the first large {@code
   * byte[]} argument of a CALLBACK to a typed listener ({@link CallbackDispatcher#largeValueSpan}),
   * when the serializer is witrpc's MessagePack; else null.
   */
  @Override
  public ValueSpan largeValueSpan(ByteBuffer head, int frameLength) {
    if (!ready) {
      return null;
    }
    Envelope env = EnvelopeCodec.decodeHead(head, frameLength, LARGE_VALUE_HEAD_BYTES);
    if (env != null && env.type() == MessageType.CALLBACK) {
      return callbacks.largeValueSpan(env, frameLength);
    }
    if (env == null
        || env.type() != MessageType.RESPONSE
        || env.status() != Status.OK.code()
        || !pending.awaitsBytes(env.correlationId())) {
      return null;
    }
    ValueSpan inBody = JacksonSerializer.largeBytesSpan(serializer, env.body(), BYTES_RESULT);
    return inBody == null
        ? null
        : EnvelopeCodec.spanInFrame(EnvelopeCodec.HEADER_SIZE, inBody, frameLength);
  }

  private static final Type[] BYTES_RESULT = {byte[].class};

  /** How much of a large reply {@link #largeValueSpan} looks at for its result's start. */
  private static final int LARGE_VALUE_HEAD_BYTES = 4 << 10;

  /**
   * A frame whose large result the transport received apart; from {@link #onFrame(ByteBuffer)} a
   * whole frame ({@code span} null).
   */
  @Override
  public void onFrame(ByteBuffer frame, ValueSpan span, byte[] value) {
    try {
      receive(frame, span, value);
    } catch (Throwable t) {
      // never into the transport's reader: an Error here must not leave a dead connection behind
      LOG.error("{}: failed to handle a frame", connection.description(), t);
      fail("failed to handle a frame: " + t);
    }
  }

  /**
   * @param span where {@code value}, a large result received apart, belongs in the frame (which
   *     lacks its bytes); null for a whole frame
   */
  private void receive(ByteBuffer frame, ValueSpan span, byte[] value) {
    Envelope env;
    try {
      env = EnvelopeCodec.decode(frame, span == null ? 0 : span.length());
    } catch (WitException e) {
      fail("malformed frame from the server: " + e.getMessage());
      return;
    }
    if (span != null) {
      boolean decodedWithTheValue =
          ready
              && (env.type() == MessageType.CALLBACK
                  || env.type() == MessageType.RESPONSE && env.status() == Status.OK.code());
      if (!decodedWithTheValue) {
        FrameListener.super.onFrame(frame, span, value); // whole again, for whoever reads it
        return;
      }
      // the result's or the listener's decoder takes the value as it is
      env = env.withReceived(ReceivedValue.of(frame, span, value));
    }
    switch (env.type()) {
      case HELLO_ACK, AUTH_ACK -> {
        if (ready) {
          fail("unexpected " + env.type() + " after the handshake");
          return;
        }
        // set here, on the reader, so that no later frame can be seen before READY
        ready = env.type() == MessageType.AUTH_ACK && env.status() == Status.OK.code();
        if (ready) {
          // before the next frame is read: the server's large replies may follow from now on
          connection.allowLargeFrames();
        }
        handshakeReplies.add(env);
      }
      case RESPONSE -> {
        if (ready) {
          pending.complete(env);
        } else {
          fail("RESPONSE before the handshake completed");
        }
      }
      case CALLBACK -> {
        if (ready) {
          callbacks.deliver(env);
        } else {
          fail("CALLBACK before the handshake completed");
        }
      }
      case GOODBYE -> {
        try {
          goodbye = "the server said goodbye: " + Handshake.readGoodbye(env.body());
        } catch (WitException e) {
          goodbye = "the server said goodbye (unreadable reason)";
        }
        LOG.debug("server said goodbye: {}", goodbye);
        connection.close();
      }
      default -> fail("unexpected " + env.type() + " from the server"); // CANCEL included
    }
  }

  private void fail(String reason) {
    LOG.warn("{}: {}; closing the connection", connection.description(), reason);
    goodbye = reason;
    connection.close();
  }

  @Override
  public void onClosed(Throwable cause) {
    ready = false;
    if (cause instanceof WitSecurityException && goodbye == null) {
      goodbye = cause.getMessage();
    }
    String why = goodbye != null ? " (" + goodbye + ")" : "";
    Connection c = connection;
    String name = c != null ? c.description() : "connection";
    WitTransportException failure = new WitTransportException(name + " closed" + why, cause);
    pending.failAll(failure);
    handshakeReplies.add(new Closed(failure));
    callbacks.close();
    closed = true;
    onLost.accept(this, failure);
  }

  /**
   * Says goodbye (best effort: given up after {@link #GOODBYE_WAIT} for a server that does not
   * read), closes the connection and waits (up to a second) for the listeners still running, unless
   * called from one.
   */
  void close(String reason) {
    Connection c = connection;
    if (c == null) {
      return;
    }
    if (c.isOpen()) {
      try {
        c.sendBefore(System.nanoTime() + GOODBYE_WAIT.toNanos(), Handshake.goodbye(reason));
      } catch (WitException e) {
        LOG.debug("could not say goodbye", e);
      }
    }
    c.close();
    callbacks.awaitListeners();
  }
}
