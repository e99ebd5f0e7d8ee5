package org.witrpc.transport.mmf;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.WitTransportException;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.PeerPolicy;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.UnixSocketListener;

/**
 * The listening side of the shared-memory transport. Listens on the Unix domain socket {@code
 * NAME.mmf.sock} in the runtime directory (a {@link UnixSocketListener}: owner-only, a stale socket
 * replaced, a live server's or a file that is not a socket left alone); gives each accepted client
 * its own mapping (see {@link Rendezvous} and {@link RingDescriptor}).
 *
 * <p>The accept thread {@code witrpc-mmf-accept-NAME} only accepts sockets, checks the peer's user
 * and reserves a client slot (or refuses the client). The handshake, which waits up to 5 s for the
 * client's acknowledgement, runs on a short-lived daemon thread per client ({@code
 * witrpc-mmf-handshake-NAME-N}), so a slow or hostile client cannot hold up other clients. {@link
 * #close} makes unfinished handshakes give up and joins their threads.
 *
 * <p>Thread safety: {@link #start} and {@link #close} may be called from any thread. The acceptor
 * is called from the handshake threads, one call at a time (calls are serialized), never
 * concurrently.
 */
public final class MmfServerTransport implements ServerTransport {
  private static final Logger LOG = LoggerFactory.getLogger(MmfServerTransport.class);
  private static final long HANDSHAKE_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final MmfSettings settings;
  private final PeerPolicy peerPolicy;
  private final Set<MmfConnection> connections = ConcurrentHashMap.newKeySet();
  private final Map<SocketChannel, Thread> handshakes = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final AtomicInteger handshakeIds = new AtomicInteger();
  private final ClientSlots slots;
  private final Object lifecycle = new Object();
  private final Object acceptorCalls = new Object();

  private UnixSocketListener listener;
  private Path directory;
  private boolean started;
  private volatile boolean closed;

  MmfServerTransport(MmfSettings settings, PeerPolicy peerPolicy) {
    this.settings = Objects.requireNonNull(settings, "settings == null");
    this.peerPolicy = Objects.requireNonNull(peerPolicy, "peerPolicy == null");
    this.slots = new ClientSlots(settings.maxClients());
  }

  @Override
  public void start(Acceptor acceptor) {
    Objects.requireNonNull(acceptor, "acceptor == null");
    synchronized (lifecycle) {
      if (started || closed) {
        throw new WitTransportException(
            address() + " was already " + (closed ? "closed" : "started"));
      }
      started = true;
      directory = settings.resolveDirectory();
      listener = UnixSocketListener.bind(settings.socketPath(directory), address());
      removeLeftoverMappings();
      listener.startAccepting(
          "witrpc-mmf-accept-" + settings.name(),
          peerPolicy,
          MmfServerTransport::refusePeer,
          channel -> admit(channel, acceptor));
    }
  }

  @Override
  public void close() {
    UnixSocketListener listening;
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      listening = listener;
    }
    if (listening != null) {
      listening.close(); // joins the accept thread
    }
    // No new handshake starts now; those in flight give up within one wait slice (they check
    // closed) or finish. Wait for them, so every connection they make is registered below.
    for (Thread handshake : new ArrayList<>(handshakes.values())) {
      join(handshake);
    }
    for (MmfConnection c : new ArrayList<>(connections)) {
      c.close();
    }
  }

  @Override
  public String address() {
    return settings.address();
  }

  private static void join(Thread t) {
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Number of connections currently open; for tests and metrics. */
  int connectionCount() {
    return connections.size();
  }

  /** On the accept thread: reserves a slot for the client and starts its handshake thread. */
  private void admit(SocketChannel channel, Acceptor acceptor) {
    if (!slots.tryReserve()) {
      refuse(channel);
      return;
    }
    Thread t =
        new Thread(
            () -> handshakeAndRelease(channel, acceptor),
            "witrpc-mmf-handshake-" + settings.name() + "-" + handshakeIds.incrementAndGet());
    t.setDaemon(true);
    handshakes.put(channel, t);
    if (closed) {
      // close() may have copied the handshakes before this one was added
      handshakes.remove(channel);
      slots.release();
      closeQuietly(channel);
      return;
    }
    t.start();
  }

  /** Tells a client whose user is not admitted so (the listener logs it and closes it). */
  private static void refusePeer(SocketChannel channel, String user) throws IOException {
    Rendezvous.sendReply(
        channel,
        Rendezvous.REFUSED,
        Rendezvous.PEER_USER_REFUSED + "'" + user + "' (its peerUsers setting)");
  }

  private void refuse(SocketChannel channel) {
    try {
      // A few bytes into an empty socket buffer: does not block.
      Rendezvous.sendReply(
          channel,
          Rendezvous.REFUSED,
          "the server "
              + address()
              + " has reached its maximum of "
              + settings.maxClients()
              + " clients");
    } catch (IOException e) {
      LOG.debug("{}: refusing a client failed: {}", address(), e.toString());
    } finally {
      closeQuietly(channel);
    }
  }

  /** Runs on a handshake thread; the slot reserved for the client is released on any failure. */
  private void handshakeAndRelease(SocketChannel channel, Acceptor acceptor) {
    boolean connected = false;
    try {
      handshake(channel, acceptor);
      connected = true;
    } catch (IOException e) {
      // A client that went away mid-handshake (or a liveness probe), or close(): nothing to report.
      LOG.debug("{}: handshake with a client failed: {}", address(), e.toString());
    } catch (RuntimeException e) {
      LOG.warn("{}: handshake with a client failed: {}", address(), e.toString());
    } finally {
      handshakes.remove(channel);
      if (!connected) {
        slots.release();
        closeQuietly(channel);
      }
    }
  }

  /**
   * Maps a file for the client, hands it over, and starts the connection once the client has
   * acknowledged. From then on the connection owns the slot and releases it when it ends.
   */
  private void handshake(SocketChannel channel, Acceptor acceptor) throws IOException {
    int capacity = settings.capacity();
    MmfFiles.Mapped mapped =
        MmfFiles.create(directory, settings.name(), RingDescriptor.totalLength(capacity));
    try {
      RingDescriptor.initialize(mapped.buffer(), capacity);
      RingDescriptor.announceMaxFrameSize(
          mapped.buffer(), RingDescriptor.SERVER_MAX_FRAME_OFFSET, settings.maxFrameSize());
      Rendezvous.sendReply(channel, Rendezvous.ACCEPTED, mapped.path().toString());
      Rendezvous.awaitAck(channel, System.nanoTime() + HANDSHAKE_NANOS, () -> closed);
    } finally {
      // Both sides have mapped it (or the client gave up): no file may outlive a crash.
      Files.deleteIfExists(mapped.path());
    }
    int clientMaxFrameSize =
        RingDescriptor.announcedMaxFrameSize(
            mapped.buffer(), RingDescriptor.CLIENT_MAX_FRAME_OFFSET);
    String description = settings.name() + "#" + ids.incrementAndGet();
    MmfConnection[] self = new MmfConnection[1];
    MmfConnection connection =
        new MmfConnection(
            description,
            channel,
            mapped.buffer(),
            capacity,
            RingDescriptor.CLIENT_TO_SERVER,
            clientMaxFrameSize,
            settings,
            () -> {
              if (connections.remove(self[0])) {
                slots.release();
              }
            });
    self[0] = connection;
    connections.add(connection);
    FrameListener listener;
    synchronized (acceptorCalls) {
      if (closed) {
        connection.close();
      }
      try {
        listener = Objects.requireNonNull(acceptor.accept(connection), "acceptor returned null");
      } catch (RuntimeException e) {
        connections.remove(connection);
        connection.close();
        throw e;
      }
    }
    connection.start(listener);
  }

  /** Deletes mapping files a crashed server of this name left between create and unlink. */
  private void removeLeftoverMappings() {
    List<Path> leftovers = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
      for (Path p : stream) {
        if (MmfFiles.isMappingOf(settings.name(), p)) {
          leftovers.add(p);
        }
      }
    } catch (IOException e) {
      LOG.debug("cannot list {}: {}", directory, e.toString());
    }
    for (Path p : leftovers) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        LOG.debug("cannot delete {}: {}", p, e.toString());
      }
    }
  }

  private static void closeQuietly(java.io.Closeable c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException e) {
        LOG.debug("close failed: {}", e.toString());
      }
    }
  }
}
