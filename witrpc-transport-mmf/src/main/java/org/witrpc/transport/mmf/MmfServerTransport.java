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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.WitTransportException;
import org.witrpc.internal.StaleSockets;
import org.witrpc.internal.UnixSocketListener;
import org.witrpc.internal.WarningThrottle;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.PeerPolicy;
import org.witrpc.spi.ServerTransport;

/**
 * The listening side of the shared-memory transport. Listens on the Unix domain socket {@code
 * NAME.mmf.sock} in the runtime directory (owner-only, a stale socket replaced, a live server's or
 * a file that is not a socket left alone); gives each accepted client its own mapping (see {@link
 * Rendezvous} and {@link RingDescriptor}).
 *
 * <p>The accept thread {@code witrpc-mmf-accept-NAME} accepts sockets, checks the peer's user,
 * reserves a client slot (or refuses the client) and sends the client the path of its mapping: a
 * spare made during the previous client's handshake as a rule (at most one exists, deleted by
 * {@link #close}), so no file is created, mapped or initialized on a connect's path. The rest runs
 * as a task on a {@link MmfThreads} worker per client (no thread is started on a connect's path as
 * a rule), so a slow or hostile client cannot hold up other clients: it makes the next client's
 * spare while the client maps its file, waits for the client's acknowledgement (up to 5 s), hands
 * the connection to the acceptor and then reads it as the connection's first reader task, so the
 * client's first frames cost no other thread's wake-up. {@link #close} makes unfinished handshakes
 * give up and waits for them.
 *
 * <p>Thread safety: {@link #start} and {@link #close} may be called from any thread. The acceptor
 * is called from the handshake tasks, one call at a time (calls are serialized), never
 * concurrently.
 */
public final class MmfServerTransport implements ServerTransport {
  private static final Logger LOG = LoggerFactory.getLogger(MmfServerTransport.class);
  private static final long HANDSHAKE_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final MmfSettings settings;
  private final PeerPolicy peerPolicy;
  private final Set<MmfConnection> connections = ConcurrentHashMap.newKeySet();
  private final Map<SocketChannel, CountDownLatch> handshakes = new ConcurrentHashMap<>();

  /** The handshake a worker runs, so that a close() from inside it does not wait for itself. */
  private final ThreadLocal<CountDownLatch> runningHandshake = new ThreadLocal<>();

  private final AtomicInteger ids = new AtomicInteger();

  /** What this server logs about clients it cannot serve, so that they cannot flood the log. */
  private final WarningThrottle warnings = new WarningThrottle();

  private final AtomicReference<MmfFiles.Mapped> spare = new AtomicReference<>();
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
      StaleSockets.sweep(directory);
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
    for (CountDownLatch handshake : new ArrayList<>(handshakes.values())) {
      if (handshake != runningHandshake.get()) { // not the handshake calling close()
        await(handshake);
      }
    }
    for (MmfConnection c : new ArrayList<>(connections)) {
      c.close();
    }
    deleteSpare(spare.getAndSet(null));
  }

  @Override
  public String address() {
    return settings.address();
  }

  private static void await(CountDownLatch handshake) {
    try {
      handshake.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Number of connections currently open; for tests and metrics. */
  int connectionCount() {
    return connections.size();
  }

  /**
   * On the accept thread: reserves a slot for the client, hands it its mapping and starts its
   * handshake task, which waits for the acknowledgement. The mapping is the spare made ahead of the
   * client as a rule, so the client can map it while the handshake task starts.
   */
  private void admit(SocketChannel channel, Acceptor acceptor) {
    if (!slots.tryReserve()) {
      refuse(channel);
      return;
    }
    MmfFiles.Mapped mapped = offerMappingOrClose(channel);
    if (mapped == null) {
      return;
    }
    CountDownLatch done = new CountDownLatch(1);
    handshakes.put(channel, done);
    if (closed) {
      // close() may have copied the handshakes before this one was added
      abandon(channel, mapped);
      return;
    }
    try {
      MmfThreads.execute(
          () -> {
            MmfConnection started;
            runningHandshake.set(done);
            try {
              started = handshakeAndRelease(channel, mapped, acceptor);
            } finally {
              runningHandshake.remove();
              done.countDown();
            }
            if (started != null) {
              // after the handshake has ended for close(), as the reader may run for long
              started.readHere();
            }
          });
    } catch (RuntimeException e) {
      abandon(channel, mapped);
      LOG.warn("{}: cannot start a client's handshake: {}", address(), e.toString());
    }
  }

  /**
   * {@link #offerMapping}, or null if that failed: then the client is closed and its slot given
   * back. Catches an Error too (a SIGBUS on a mapping is an InternalError): this client fails, not
   * the accept thread.
   */
  private MmfFiles.Mapped offerMappingOrClose(SocketChannel channel) {
    MmfFiles.Mapped mapped = null;
    try {
      mapped = offerMapping(channel);
    } catch (Throwable e) {
      logHandshakeFailure(e);
    }
    if (mapped == null) {
      slots.release();
      closeQuietly(channel);
    }
    return mapped;
  }

  /** Gives up a client admitted but whose handshake did not start. */
  private void abandon(SocketChannel channel, MmfFiles.Mapped mapped) {
    handshakes.remove(channel);
    deleteQuietly(mapped.path());
    slots.release();
    closeQuietly(channel);
  }

  /**
   * Takes a mapping for the client and sends it its path; its file is deleted if that fails. If no
   * mapping can be made (a full file system), logs it (throttled), refuses the client saying why
   * and returns null.
   */
  private MmfFiles.Mapped offerMapping(SocketChannel channel) throws IOException {
    MmfFiles.Mapped mapped;
    try {
      mapped = takeMapping(settings.capacity());
    } catch (Throwable e) {
      warnings.warn(
          LOG,
          "no mapping",
          "{}: cannot make a shared-memory file in {} for a client; refusing it: {}",
          address(),
          directory,
          e.toString());
      Rendezvous.sendReply(
          channel,
          Rendezvous.REFUSED,
          "the server " + address() + " cannot make a shared-memory file (see its log)");
      return null;
    }
    try {
      // A few bytes into an empty socket buffer: does not block.
      Rendezvous.sendReply(channel, Rendezvous.ACCEPTED, mapped.path().toString());
      return mapped;
    } catch (Throwable e) {
      deleteQuietly(mapped.path());
      throw e;
    }
  }

  private void logHandshakeFailure(Throwable e) {
    if (e instanceof IOException) {
      // A client that went away mid-handshake (or a liveness probe), or close(): nothing to report.
      LOG.debug("{}: handshake with a client failed: {}", address(), e.toString());
    } else {
      LOG.warn("{}: handshake with a client failed: {}", address(), e.toString());
    }
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

  /**
   * Runs as a handshake task; the slot reserved for the client is released on any failure.
   *
   * @return the started connection, for the task to read it ({@link MmfConnection#readHere}), or
   *     null if the handshake failed
   */
  private MmfConnection handshakeAndRelease(
      SocketChannel channel, MmfFiles.Mapped mapped, Acceptor acceptor) {
    boolean connected = false;
    try {
      MmfConnection started = handshake(channel, mapped, acceptor);
      connected = true;
      return started;
    } catch (IOException | RuntimeException e) {
      logHandshakeFailure(e);
      return null;
    } catch (InternalError e) {
      logHandshakeFailure(MappingFault.of(address() + ": a client's handshake", e));
      return null;
    } finally {
      handshakes.remove(channel);
      if (!connected) {
        slots.release();
        closeQuietly(channel);
      }
    }
  }

  /**
   * Makes the connection over {@code mapped}, offered to the client, once the client has
   * acknowledged it, hands it to the acceptor and starts it, for the caller to read it. From then
   * on the connection owns the slot and releases it when it ends. While the client maps the file,
   * makes the next client's (see {@link #prepareSpare}).
   */
  private MmfConnection handshake(SocketChannel channel, MmfFiles.Mapped mapped, Acceptor acceptor)
      throws IOException {
    int capacity = settings.capacity();
    prepareSpare(capacity);
    try {
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
    // started inside the handshake, so close() waits for the end it reports
    connection.startForReadingHere(listener);
    return connection;
  }

  /**
   * For tests in this package: runs on each new mapping's file; what it throws fails the mapping.
   */
  volatile Consumer<Path> newMappingHookForTests = file -> {};

  /** For tests in this package: the spare's file, once it is the one the next client gets. */
  Path spareForTests() {
    MmfFiles.Mapped ready = spare.get();
    return ready == null ? null : ready.path();
  }

  /** A new mapping for a client: the spare made ahead of it, or a new one. */
  private MmfFiles.Mapped takeMapping(int capacity) throws IOException {
    MmfFiles.Mapped ready = spare.getAndSet(null);
    return ready != null ? ready : newMapping(capacity);
  }

  /**
   * A new mapping, its header written (see {@link MmfFiles#create}): a full file system fails it
   * with an IOException. Its file is deleted if anything fails, an {@link Error} included.
   */
  private MmfFiles.Mapped newMapping(int capacity) throws IOException {
    MmfFiles.Mapped mapped =
        MmfFiles.create(
            directory,
            settings.name(),
            RingDescriptor.totalLength(capacity),
            RingDescriptor.header(capacity, settings.maxFrameSize()));
    try {
      newMappingHookForTests.accept(mapped.path());
      return mapped;
    } catch (Throwable e) {
      deleteQuietly(mapped.path());
      throw e;
    }
  }

  /**
   * Makes the next client's mapping now, while this client maps its own and before it acknowledges
   * (so the work overlaps the client's), so that the next connect does not wait for a file to be
   * created, mapped and initialized. At most one spare exists; {@link #close} deletes it after
   * waiting for the handshake tasks, which make it (one made after {@code closed} is set deletes
   * itself).
   */
  private void prepareSpare(int capacity) {
    if (closed || spare.get() != null) {
      return;
    }
    MmfFiles.Mapped made = null;
    try {
      made = newMapping(capacity);
      if (!spare.compareAndSet(null, made) || closed) {
        deleteSpare(made);
      }
    } catch (Throwable e) {
      // Also an InternalError the JIT delivers late, from a fault of an earlier task's mapping
      // (see MappingFault): the file made here must not outlive it.
      if (made != null) {
        deleteSpare(made);
      }
      LOG.debug("{}: no spare mapping made: {}", address(), e.toString());
    }
  }

  /** Deletes the file of {@code mapped}, and forgets it if it is the spare; no-op for null. */
  private void deleteSpare(MmfFiles.Mapped mapped) {
    if (mapped != null) {
      spare.compareAndSet(mapped, null);
      deleteQuietly(mapped.path());
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.debug("cannot delete {}: {}", file, e.toString());
    }
  }

  /**
   * Deletes mapping files a crashed server of this name left: its spare, or one not yet unlinked.
   */
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
