package org.witrpc.transport.pipes;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.WitTransportException;
import org.witrpc.spi.Connection;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.PeerPolicy;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.StaleSockets;
import org.witrpc.spi.TransportOptions;

/**
 * The listening side of the pipe transport: a Unix domain socket file (owner-only, 0600) and an
 * accept thread that admits up to {@code maxClients} clients, each served by its own reader thread.
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
  private static final long CLOSE_WAIT_MILLIS = 2_000;
  private static final long ACCEPT_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

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
  private final Object lock = new Object();

  private State state = State.NEW; // guarded by lock
  private final Set<PipeConnection> connections = new HashSet<>(); // guarded by lock
  private ServerSocketChannel serverChannel; // guarded by lock
  private Object socketFileKey; // guarded by lock
  private Thread acceptThread; // guarded by lock

  private PipeServerTransport(Builder builder) {
    this.endpoint = builder.endpoint();
    this.maxClients = builder.options.maxClients();
    this.maxFrameSize = builder.options.maxFrameSize();
    this.sendTimeout = builder.options.sendTimeout();
    this.peerPolicy = builder.peerPolicy;
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
      ServerSocketChannel channel = bind();
      try {
        socketFileKey = protectSocketFile();
      } catch (IOException | RuntimeException e) {
        closeQuietly(channel);
        deleteQuietly(endpoint.socket());
        throw new WitTransportException(
            "cannot start server " + endpoint + ": cannot protect " + endpoint.socket() + ": " + e,
            e);
      }
      serverChannel = channel;
      Thread thread =
          new Thread(
              () -> acceptLoop(channel, acceptor),
              "witrpc-pipe-accept-" + endpoint.socket().getFileName());
      thread.setDaemon(true);
      acceptThread = thread;
      state = State.STARTED;
      thread.start();
    }
    log.debug("{} listening on {}", endpoint, endpoint.socket());
    if (endpoint.named()) {
      StaleSockets.sweep(endpoint.socket().getParent());
    }
  }

  @Override
  public void close() {
    List<PipeConnection> open;
    ServerSocketChannel channel;
    Thread thread;
    Object fileKey;
    synchronized (lock) {
      if (state == State.CLOSED) {
        return;
      }
      state = State.CLOSED;
      open = new ArrayList<>(connections);
      channel = serverChannel;
      thread = acceptThread;
      fileKey = socketFileKey;
    }
    if (channel != null) {
      closeQuietly(channel);
      deleteSocketFileIfOurs(fileKey);
    }
    if (thread != null && thread != Thread.currentThread()) {
      try {
        thread.join(CLOSE_WAIT_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
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

  private ServerSocketChannel bind() {
    Path socket = endpoint.socket();
    if (!Files.isDirectory(socket.getParent())) {
      throw new WitTransportException(
          "cannot start server " + endpoint + ": directory " + socket.getParent() + " is missing");
    }
    removeStaleSocket(socket);
    ServerSocketChannel channel = null;
    try {
      channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      channel.bind(UnixDomainSocketAddress.of(socket));
      return channel;
    } catch (IOException e) {
      closeQuietly(channel);
      throw new WitTransportException(
          "cannot start server "
              + endpoint
              + ": binding "
              + socket
              + " failed ("
              + e.getMessage()
              + "); is another server starting on the same name?",
          e);
    }
  }

  /** Deletes a socket file whose server is gone; fails if a live server answers on it. */
  private void removeStaleSocket(Path socket) {
    BasicFileAttributes attributes;
    try {
      attributes =
          Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return; // no file: nothing to clean up
    }
    if (!attributes.isOther()) {
      throw new WitTransportException(
          "cannot start server "
              + endpoint
              + ": "
              + socket
              + " exists and is not a socket; refusing to replace it");
    }
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      probe.configureBlocking(false);
      probe.connect(UnixDomainSocketAddress.of(socket));
    } catch (ConnectException refused) {
      log.info("{}: removing stale socket {} left by a server that is gone", endpoint, socket);
      deleteQuietly(socket);
      return;
    } catch (IOException e) {
      throw new WitTransportException(
          "cannot start server " + endpoint + ": cannot probe " + socket + ": " + e, e);
    }
    throw new WitTransportException(
        "cannot start server "
            + endpoint
            + ": another server is already listening on "
            + socket
            + "; close it or use another name");
  }

  /**
   * Makes the socket file owner-only. The JDK cannot bind with a umask, so between bind and this
   * call the file has the process umask's permissions; the runtime directory (0700) covers that
   * window for named pipes, and an explicit path's directory is the caller's to choose.
   */
  private Object protectSocketFile() throws IOException {
    Path socket = endpoint.socket();
    try {
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      log.debug("{}: no POSIX permissions on this file system", endpoint);
    }
    return Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
        .fileKey();
  }

  /** Deletes the socket file unless another server has replaced it meanwhile. */
  private void deleteSocketFileIfOurs(Object fileKey) {
    Path socket = endpoint.socket();
    try {
      Object current =
          Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
              .fileKey();
      if (fileKey == null || fileKey.equals(current)) {
        Files.deleteIfExists(socket);
      }
    } catch (IOException e) {
      log.debug("{}: socket file already gone", endpoint, e);
    }
  }

  private void acceptLoop(ServerSocketChannel channel, Acceptor acceptor) {
    while (true) {
      SocketChannel client;
      try {
        client = channel.accept();
      } catch (ClosedChannelException closed) {
        return;
      } catch (IOException e) {
        if (!channel.isOpen()) {
          return;
        }
        log.warn("{}: accepting a client failed; retrying", endpoint, e);
        LockSupport.parkNanos(ACCEPT_RETRY_NANOS);
        continue;
      }
      admit(client, acceptor);
    }
  }

  private void admit(SocketChannel client, Acceptor acceptor) {
    Optional<String> stranger = peerPolicy.refusedPeer(client);
    if (stranger.isPresent()) {
      refusePeer(client, stranger.get());
      return;
    }
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
      connection.start(listener, "witrpc-pipe-read-" + endpoint.socket().getFileName() + "#" + id);
    } catch (IOException e) {
      log.warn("{}: cannot start the connection", connection, e);
    }
  }

  private void refuse(SocketChannel client) {
    log.warn(
        "{}: refusing a client: the server has its maximum of {} clients", endpoint, maxClients);
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

  private void refusePeer(SocketChannel client, String user) {
    log.warn(
        "{}: refusing a client running as user '{}': this server admits {} (peerUsers)",
        endpoint,
        user,
        peerPolicy);
    try {
      writeFully(client, ByteBuffer.wrap(new byte[] {PipeWire.REFUSED_PEER_USER}));
    } catch (IOException e) {
      log.debug("{}: refused client left early", endpoint, e);
    } finally {
      closeQuietly(client);
    }
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

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.debug("deleting {} failed", file, e);
    }
  }

  /**
   * Configures a {@link PipeServerTransport}: setters without {@code set}, defaults from {@link
   * TransportOptions#defaults()}.
   *
   * <p>Thread safety: not thread-safe; confine a builder to one thread.
   */
  public static final class Builder {
    private final String name;
    private final Path socket;
    private Path directory;
    private TransportOptions options = TransportOptions.defaults();
    private PeerPolicy peerPolicy = PeerPolicy.sameUser();

    Builder(String name, Path socket) {
      this.name = name;
      this.socket = socket;
    }

    /** Most clients connected at once; the next one is refused. Default 64. */
    public Builder maxClients(int maxClients) {
      options = options.withMaxClients(maxClients);
      return this;
    }

    /** Largest frame sent or received, in bytes. Default 256 MiB. */
    public Builder maxFrameSize(int maxFrameSize) {
      options = options.withMaxFrameSize(maxFrameSize);
      return this;
    }

    /**
     * How long a send waits for a client that takes no bytes before that client is disconnected as
     * stalled. Default 10 s; see {@link TransportOptions#sendTimeout()}.
     */
    public Builder sendTimeout(Duration sendTimeout) {
      options = options.withSendTimeout(sendTimeout);
      return this;
    }

    /**
     * Also admits clients running as these users (names or numeric uids; {@code "*"} for any user).
     * By default only clients of the server's own user are admitted; others are refused (with a log
     * line naming their user). See {@link PeerPolicy}.
     */
    public Builder peerUsers(String... users) {
      return peerPolicy(PeerPolicy.sameUserOr(java.util.List.of(users)));
    }

    /** Which users' clients are admitted; default {@link PeerPolicy#sameUser()}. */
    public Builder peerPolicy(PeerPolicy policy) {
      this.peerPolicy = Objects.requireNonNull(policy, "policy == null");
      return this;
    }

    /** All settings at once. */
    public Builder options(TransportOptions options) {
      this.options = Objects.requireNonNull(options, "options == null");
      return this;
    }

    /**
     * The directory of the named socket, created 0700 if needed. Default: the runtime directory,
     * {@link org.witrpc.spi.RuntimeDirectory#defaultDirectory()}.
     *
     * @throws IllegalStateException if the transport was created for an explicit socket path
     */
    public Builder directory(Path directory) {
      Objects.requireNonNull(directory, "directory == null");
      if (name == null) {
        throw new IllegalStateException("a directory applies to named pipes, not to " + socket);
      }
      this.directory = directory;
      return this;
    }

    /**
     * The unstarted server transport.
     *
     * @throws IllegalArgumentException if the socket path is too long
     */
    public PipeServerTransport build() {
      return new PipeServerTransport(this);
    }

    PipeEndpoint endpoint() {
      return name != null ? PipeEndpoint.named(name, directory) : PipeEndpoint.path(socket);
    }
  }
}
