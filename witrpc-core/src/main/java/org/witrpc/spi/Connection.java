package org.witrpc.spi;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.security.Principal;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * One end of an open, message-oriented, bidirectional link made by a transport. Frames are opaque
 * byte sequences: the transport moves each one whole, in order, and never interprets it.
 *
 * <p>Thread safety: {@link #send} may be called from any number of threads at once; the bytes of
 * two frames are never interleaved. {@link #close} is idempotent and may race with {@code send}.
 */
public interface Connection {

  /**
   * Sends one frame made of the remaining bytes of {@code parts}, in order (typically an envelope
   * header and a body, written with one gathering write where the transport can). Blocks while the
   * transport applies back-pressure, for as long as the peer keeps taking bytes; never drops a
   * frame. A peer that takes none for the transport's send timeout is stalled: the connection is
   * closed ({@link SendStalledException}). An interrupt of the calling thread while it waits for
   * its turn ends the wait with a {@link org.witrpc.WitTransportException} (nothing sent, the
   * connection stays open, the interrupt status stays set); see {@link #sendBefore}. When this
   * returns the transport no longer reads the buffers, so the caller may reuse them. Buffer
   * positions may be advanced.
   *
   * @throws org.witrpc.WitTransportException if the connection is closed or fails while sending, or
   *     the frame is larger than the transport's maximum frame size
   */
  void send(ByteBuffer... parts);

  /**
   * Sends one frame like {@link #send}, but the caller waits for the peer no later than {@code
   * deadlineNanos} ({@link System#nanoTime()} based) and no longer than until its thread is
   * interrupted. An interrupt never closes the connection; the interrupt status stays set.
   *
   * <p>If the caller gives up before any byte of the frame is written, nothing is sent and the
   * connection is unchanged: the result is false. If it gives up after the frame's first bytes went
   * out, the transport finishes the frame in the background (a frame cannot be taken back half-way;
   * the rest is copied, so the caller may reuse its buffers) and the result is true. Either way a
   * frame is never cut short on the wire.
   *
   * <p>Transports that never wait (or cannot give up) may keep the default, which sends and returns
   * true. Called on a transport's I/O thread by a listener's {@link FrameListener#onFrameIfQuick},
   * it never waits: false at once if the frame cannot go out without waiting.
   *
   * @return true if the frame is sent or will be sent whole; false if nothing of it was sent
   * @throws org.witrpc.WitTransportException as {@link #send}; a peer that takes no bytes for the
   *     transport's send timeout closes the connection ({@link SendStalledException})
   */
  default boolean sendBefore(long deadlineNanos, ByteBuffer... parts) {
    send(parts);
    return true;
  }

  /**
   * Optional fast path for a thread that waits for what the peer sends next: a caller for its
   * reply, a connecting client for a handshake answer, an idle callback thread for the next
   * callback. If the transport supports it and no other thread is reading at this moment, the
   * calling thread reads incoming frames itself and delivers them to this connection's {@link
   * FrameListener} (under the listener's usual contract: one thread at a time, in order) until
   * {@code done} returns true or {@link System#nanoTime()} passes {@code deadlineNanos}. This saves
   * the wake-up of a parked thread per reply, which costs more than a whole shared-memory round
   * trip.
   *
   * <p>Callers use it for a short spin budget only, then wait normally; the transport's own reader
   * takes over whenever no caller reads. Transports without the capability return false at once,
   * and so may a transport whose reader is busy on another thread.
   *
   * @return true if {@code done} returned true
   */
  default boolean readUntil(BooleanSupplier done, long deadlineNanos) {
    return false;
  }

  /**
   * Lifts the limit on incoming frames: until called, the transport accepts frames of at most
   * {@link TransportOptions#HANDSHAKE_FRAME_LIMIT} bytes from the peer (a larger one closes the
   * connection before anything is allocated for it); after, up to its configured {@code
   * maxFrameSize}. The protocol layer calls it once the connection is READY (handshake and
   * authorization done), before it reads the next frame, so an unauthenticated peer can never make
   * this side allocate more than a handshake needs. Idempotent; may be called from any thread,
   * including the listener's. The default does nothing, for a transport that has no such limit.
   */
  default void allowLargeFrames() {}

  /**
   * The largest frame {@link #send} takes on this connection: the transport's maximum frame size,
   * or the peer's where the transport knows it and it is smaller. A larger frame is refused with a
   * {@link org.witrpc.WitTransportException} before any of it is sent, and the connection stays
   * open. {@link Integer#MAX_VALUE} if the transport does not say (the default).
   */
  default int maxSendFrameSize() {
    return Integer.MAX_VALUE;
  }

  /**
   * The largest frame this side accepts from the peer once {@link #allowLargeFrames} was called:
   * the transport's configured maximum frame size. The protocol layer announces it in the handshake
   * (HELLO / HELLO_ACK), so that the peer refuses a larger frame before sending it, with the
   * connection left open, instead of sending a frame this side would end the connection for. At
   * least 1 KiB, the smallest {@code maxFrameSize} (the peer refuses a smaller announcement as a
   * protocol violation); {@link Integer#MAX_VALUE} if the transport has no limit (the default).
   */
  default int maxReceiveFrameSize() {
    return Integer.MAX_VALUE;
  }

  /**
   * Hands the memory of a received frame back to the transport, for a later frame: an optional
   * saving for large frames (no new, zeroed array per frame). {@code frame} is the buffer given to
   * {@link FrameListener#onFrame} or any view of it (an envelope's body, say). The caller gives the
   * memory up for good: from the call on, neither it nor anything it handed the frame to reads or
   * writes it, and it calls this at most once per delivered frame. A transport that does not take
   * the buffer back (it was not the latest large frame it delivered, or the transport keeps none)
   * ignores the call; the buffer is then garbage as before. May be called from any thread. The
   * default does nothing.
   */
  default void recycle(ByteBuffer frame) {}

  /**
   * The peer's identity as the transport authenticated it, if it did: for a TLS connection whose
   * peer presented a certificate that this side verified (a server under mutual TLS, {@code
   * clientAuth=require}; a client always, for the server's certificate), the subject of the peer's
   * certificate (an {@link javax.security.auth.x500.X500Principal}). Empty when the transport
   * authenticates no one (plain TCP, shared memory, pipes: those check the peer's user, not an
   * identity it proves) or the peer presented no certificate. Known once the connection is returned
   * by {@link ClientTransport#connect} or given to the {@link ServerTransport.Acceptor}; unchanged
   * after. The default returns empty. May be called from any thread.
   */
  default Optional<Principal> peerPrincipal() {
    return Optional.empty();
  }

  /**
   * The peer's network address, where the transport connects over a network: for {@code tcp://} and
   * {@code ws://} the remote socket address (an {@link java.net.InetSocketAddress}; behind a
   * reverse proxy, the proxy's). Empty for the local transports, whose peer is a process of this
   * machine with no address of its own. Known once the connection is returned by {@link
   * ClientTransport#connect} or given to the {@link ServerTransport.Acceptor}; unchanged after,
   * also once closed. The default returns empty. May be called from any thread.
   */
  default Optional<SocketAddress> peerAddress() {
    return Optional.empty();
  }

  /** True until the connection is closed by either side or fails. */
  boolean isOpen();

  /**
   * Closes the connection and releases everything it holds (threads, sockets, mappings).
   * Idempotent. The peer sees the close as a disconnect; this side's {@link FrameListener#onClosed}
   * is called exactly once (if it has not been called already).
   */
  void close();

  /** A short human-readable description for logs and errors, for example {@code pipe://calc#3}. */
  String description();
}
