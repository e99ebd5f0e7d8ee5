package org.witrpc.transport.pipes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.WitTransportException;
import org.witrpc.internal.StaleSockets;
import org.witrpc.internal.UnixSocketListener;
import org.witrpc.internal.WarningThrottle;
import org.witrpc.spi.Connection;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.PeerPolicy;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.TransportOptions;

/**
 * The listening side of the pipe transport: a Unix domain socket file (owner-only, 0600) and an
 * accept thread that admits up to {@code maxClients} clients, read by the process's shared pipe
 * readers (a selector thread, and a pool thread per connection while it has frames to deliver).
 * Created with {@link PipeTransport#server(String)}; nothing is allocated before {@link #start}.
 *
 * <p>A socket file left by a dead server is detected (connecting to it is refused) and replaced; a
 * live server on the same socket makes {@code start} fail. Detecting a live server connects to it
 * once, so that server sees one connection that closes at once.
 *
 * <p>Thread safety: {@code start} and {@code close} may be called from any thread; the acceptor is
 * called from the accept thread, never while a lock is held.
 */
public final class PipeServerTransport implements ServerTransport {

  private static final Logger log = LoggerFactory.getLogger(PipeServerTransport.class);

  private enum State {
    NEW,
    STARTED,
    CLOSED
  }

  private final PipeEndpoint endpoint;
  private final int maxClients;
  private final int maxFrameSize;
  private final Duration sendTimeout;
  private final PeerPolicy peerPolicy;
  private final AtomicLong connectionIds = new AtomicLong();

  /** What this server logs about clients it refuses, so that they cannot flood the log. */
  private final WarningThrottle warnings = new WarningThrottle();

  private final Object lock = new Object();

  private State state = State.NEW; // guarded by lock
  private final Set<PipeConnection> connections = new HashSet<>(); // guarded by lock
  private UnixSocketListener listener; // guarded by lock

  private PipeServerTransport(
      PipeEndpoint endpoint, TransportOptions options, PeerPolicy peerPolicy) {
    this.endpoint = endpoint;
    this.maxClients = options.maxClients();
    this.maxFrameSize = options.maxFrameSize();
    this.sendTimeout = options.sendTimeout();
    this.peerPolicy = peerPolicy;
  }

  @Override
  public void start(Acceptor acceptor) {
    Objects.requireNonNull(acceptor, "acceptor == null");
    synchronized (lock) {
      if (state != State.NEW) {
        throw new WitTransportException(
            "server "
                + endpoint
                + " was already "
                + state.name().toLowerCase(java.util.Locale.ROOT));
      }
      listener = UnixSocketListener.bind(endpoint.socket(), endpoint.address());
      state = State.STARTED;
      listener.startAccepting(
          "witrpc-pipe-accept-" + endpoint.socket().getFileName(),
          peerPolicy,
          PipeServerTransport::refusePeer,
          client -> admit(client, acceptor));
    }
    log.debug("{} listening on {}", endpoint, endpoint.socket());
    if (endpoint.named()) {
      StaleSockets.sweep(endpoint.socket().getParent());
    }
  }

  @Override
  public void close() {
    List<PipeConnection> open;
    UnixSocketListener listening;
    synchronized (lock) {
      if (state == State.CLOSED) {
        return;
      }
      state = State.CLOSED;
      open = new ArrayList<>(connections);
      listening = listener;
    }
    if (listening != null) {
      listening.close();
    }
    for (PipeConnection connection : open) {
      connection.close();
    }
    log.debug("{} closed", endpoint);
  }

  @Override
  public String address() {
    return endpoint.address();
  }

  /** The socket file this server listens on. */
  public Path socketPath() {
    return endpoint.socket();
  }

  /** Most clients connected at once. */
  public int maxClients() {
    return maxClients;
  }

  /** Largest frame accepted or sent, in bytes. */
  public int maxFrameSize() {
    return maxFrameSize;
  }

  @Override
  public String toString() {
    return "PipeServerTransport{" + endpoint + "}";
  }

  private void admit(SocketChannel client, Acceptor acceptor) {
    long id = connectionIds.incrementAndGet();
    PipeConnection connection = null;
    synchronized (lock) {
      if (state == State.CLOSED) {
        closeQuietly(client);
        return;
      }
      if (connections.size() < maxClients) {
        connection =
            new PipeConnection(
                client, endpoint + "#" + id, maxFrameSize, sendTimeout, this::release);
        connections.add(connection);
      }
    }
    if (connection == null) {
      refuse(client);
      return;
    }
    try {
      writeFully(client, ByteBuffer.wrap(new byte[] {PipeWire.ACCEPTED}));
    } catch (IOException e) {
      log.debug("{}: client left before it was accepted", connection, e);
      connection.close();
      return;
    }
    FrameListener listener;
    try {
      listener = Objects.requireNonNull(acceptor.accept(connection), "acceptor returned null");
    } catch (RuntimeException e) {
      log.error("{}: the acceptor failed; closing the connection", connection, e);
      connection.close();
      return;
    }
    try {
      connection.start(listener);
    } catch (IOException e) {
      log.warn("{}: cannot start the connection", connection, e);
    }
  }

  private void refuse(SocketChannel client) {
    // Throttled: a client may connect in a loop.
    warnings.warn(
        log,
        "max clients",
        "{}: refusing a client: the server has its maximum of {} clients",
        endpoint,
        maxClients);
    ByteBuffer refusal =
        ByteBuffer.allocate(PipeWire.REFUSAL_BYTES)
            .put(PipeWire.REFUSED_MAX_CLIENTS)
            .putInt(maxClients)
            .flip();
    try {
      writeFully(client, refusal);
    } catch (IOException e) {
      log.debug("{}: refused client left early", endpoint, e);
    } finally {
      closeQuietly(client);
    }
  }

  /** Tells a client whose user is not admitted so (the listener logs it and closes it). */
  private static void refusePeer(SocketChannel client, String user) throws IOException {
    writeFully(client, ByteBuffer.wrap(new byte[] {PipeWire.REFUSED_PEER_USER}));
  }

  private void release(Connection connection) {
    synchronized (lock) {
      connections.remove(connection);
    }
  }

  private static void writeFully(SocketChannel channel, ByteBuffer bytes) throws IOException {
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
  }

  private static void closeQuietly(java.nio.channels.Channel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      log.debug("closing {} failed", channel, e);
    }
  }

  /**
   * Configures a {@link PipeServerTransport}: setters without {@code set}, defaults from {@link
   * TransportOptions#defaults()}.
   *
   * <p>Thread safety: not thread-safe; confine a builder to one thread.
   */
  public static final class Builder extends PipeBuilder<Builder> {
    Builder(String name, Path socket) {
      super(name, socket);
    }

    @Override
    protected Builder self() {
      return this;
    }

    /** Most clients connected at once (at least 1); the next one is refused. Default 64. */
    public Builder maxClients(int maxClients) {
      return options(transportOptions().withMaxClients(maxClients));
    }

    /**
     * The unstarted server transport.
     *
     * @throws IllegalArgumentException if the socket path is too long
     */
    public PipeServerTransport build() {
      return new PipeServerTransport(endpoint(), transportOptions(), currentPeerPolicy());
    }
  }
}
