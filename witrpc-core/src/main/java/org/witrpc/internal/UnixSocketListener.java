package org.witrpc.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.WitTransportException;
import org.witrpc.spi.PeerPolicy;

/**
 * The listening Unix domain socket of a local transport ({@code pipe://}, {@code mmf://}), with the
 * rules both follow:
 *
 * <ul>
 *   <li>{@link #bind}: a socket file left by a dead server (connecting to it is refused) is
 *       replaced; a live server on it, or a file that is not a socket, makes {@code bind} fail. The
 *       new socket file is made owner-only (0600); if that fails, so does {@code bind}.
 *   <li>{@link #startAccepting}: one daemon thread accepts clients; a client whose user the {@link
 *       PeerPolicy} does not admit is handed to the transport's {@link Refusal}, logged (a WARN,
 *       then DEBUG for a while: {@link WarningThrottle}) and closed without reaching the transport;
 *       every other client goes to the {@link Admission}. Whatever handling a client throws, an
 *       {@link Error} included, is logged the same way and closes that client only.
 *   <li>{@link #close}: stops accepting and deletes the socket file only if it is still the one
 *       this listener bound (same file key, so not one another server put in its place).
 * </ul>
 *
 * <p>Thread safety: {@link #startAccepting} once, from any thread; {@link #close} from any thread,
 * idempotent. The callbacks run on the accept thread, one client at a time.
 */
public final class UnixSocketListener implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UnixSocketListener.class);
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");
  private static final long ACCEPT_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final long CLOSE_WAIT_MILLIS = 5_000;

  /** Sets the permissions of the new socket file: {@code Files::setPosixFilePermissions}. */
  interface Permissions {
    void set(Path file, Set<PosixFilePermission> permissions) throws IOException;
  }

  /** Takes an admitted client; called on the accept thread. */
  @FunctionalInterface
  public interface Admission {
    /** Owns {@code client} from now on (closes it when done with it). */
    void admit(SocketChannel client);
  }

  /** Tells a client that its user is not admitted, in the transport's wire format. */
  @FunctionalInterface
  public interface Refusal {
    /** Writes the refusal to {@code client} (a few bytes; the listener closes it afterwards). */
    void refuse(SocketChannel client, String user) throws IOException;
  }

  private final Path socket;
  private final String address;
  private final ServerSocketChannel channel;
  private final Object fileKey;
  private final Object lock = new Object();

  /**
   * What the accept thread logs about clients (refused users, failures), so that they cannot flood
   * the log.
   */
  private final WarningThrottle warnings = new WarningThrottle();

  private Thread acceptThread; // guarded by lock
  private boolean closed; // guarded by lock

  private UnixSocketListener(
      Path socket, String address, ServerSocketChannel channel, Object fileKey) {
    this.socket = socket;
    this.address = address;
    this.channel = channel;
    this.fileKey = fileKey;
  }

  /**
   * Listens on {@code socket}, whose directory must exist (the transport chose it: the owner-only
   * runtime directory or a path the user gave).
   *
   * @param address the transport's address, for messages, for example {@code pipe://calc}
   * @throws WitTransportException if the directory is missing, a live server or a file that is not
   *     a socket is in the way, or binding or protecting the socket file fails
   */
  public static UnixSocketListener bind(Path socket, String address) {
    return bind(socket, address, Files::setPosixFilePermissions);
  }

  static UnixSocketListener bind(Path socket, String address, Permissions permissions) {
    Objects.requireNonNull(socket, "socket == null");
    Objects.requireNonNull(address, "address == null");
    if (!Files.isDirectory(socket.getParent())) {
      throw cannotStart(address, "directory " + socket.getParent() + " is missing", null);
    }
    removeStaleSocket(socket, address);
    ServerSocketChannel channel = null;
    try {
      channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      channel.bind(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      closeQuietly(channel);
      throw cannotStart(
          address,
          "binding "
              + socket
              + " failed ("
              + e.getMessage()
              + "); is another server starting on the same name?",
          e);
    }
    try {
      protect(socket, address, permissions);
      return new UnixSocketListener(socket, address, channel, identity(socket));
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      deleteQuietly(socket);
      throw cannotStart(address, "cannot make " + socket + " owner-only (0600): " + e, e);
    }
  }

  /**
   * Makes the socket file owner-only. The JDK cannot bind with a umask, so between bind and this
   * call the file has the process umask's permissions; the runtime directory (0700) covers that
   * window, and an explicit path's directory is the caller's to choose.
   */
  private static void protect(Path socket, String address, Permissions permissions)
      throws IOException {
    try {
      permissions.set(socket, OWNER_ONLY);
    } catch (UnsupportedOperationException notPosix) {
      // Windows: the per-user directory's ACLs protect the socket
      LOG.debug("{}: no POSIX permissions on this file system", address);
    }
  }

  /** What tells this socket file from one created later at the same path. */
  private static Object identity(Path socket) throws IOException {
    BasicFileAttributes attributes =
        Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    return StaleSockets.identity(attributes);
  }

  /** Deletes a socket file whose server is gone; fails if a live server answers on it. */
  private static void removeStaleSocket(Path socket, String address) {
    BasicFileAttributes attributes;
    try {
      attributes =
          Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return; // no file: nothing to clean up
    }
    if (!attributes.isOther()) {
      throw cannotStart(
          address, socket + " exists and is not a socket; refusing to replace it", null);
    }
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      probe.configureBlocking(false);
      probe.connect(UnixDomainSocketAddress.of(socket));
    } catch (ConnectException refused) {
      LOG.info("{}: removing stale socket {} left by a server that is gone", address, socket);
      if (attributes.fileKey() != null) {
        // Only the file probed dead: a server starting on the same name meanwhile keeps its own
        // socket, and this bind then fails saying so.
        StaleSockets.deleteIfStill(socket, StaleSockets.identity(attributes));
        return;
      }
      try {
        Files.deleteIfExists(socket);
      } catch (IOException e) {
        throw cannotStart(address, "cannot remove the stale socket " + socket + ": " + e, e);
      }
      return;
    } catch (IOException e) {
      throw cannotStart(address, "cannot probe " + socket + ": " + e, e);
    }
    throw cannotStart(
        address,
        "another server is already listening on " + socket + "; close it or use another name",
        null);
  }

  /**
   * Starts the accept thread {@code threadName}: each client is checked against {@code policy},
   * then refused through {@code refusal} or handed to {@code admission}. An accept that fails for
   * another reason than close (too many open files) is logged and retried.
   *
   * @throws IllegalStateException if called twice or after close
   */
  public void startAccepting(
      String threadName, PeerPolicy policy, Refusal refusal, Admission admission) {
    Objects.requireNonNull(threadName, "threadName == null");
    Objects.requireNonNull(policy, "policy == null");
    Objects.requireNonNull(refusal, "refusal == null");
    Objects.requireNonNull(admission, "admission == null");
    synchronized (lock) {
      if (acceptThread != null || closed) {
        throw new IllegalStateException(address + ": accepting was already started or closed");
      }
      Thread thread = new Thread(() -> acceptLoop(policy, refusal, admission), threadName);
      thread.setDaemon(true);
      acceptThread = thread;
      thread.start();
    }
  }

  /** The socket file. */
  public Path path() {
    return socket;
  }

  /**
   * Stops accepting, waits for the accept thread (up to 5 s; not when called on it) and deletes the
   * socket file if it is still the one this listener bound. Idempotent.
   */
  @Override
  public void close() {
    Thread thread;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      thread = acceptThread;
    }
    // While the channel is open its socket file cannot be freed, so a file key that matches now
    // is our file and not a new one that reuses its inode number.
    deleteSocketFileIfOurs();
    closeQuietly(channel);
    if (thread != null && thread != Thread.currentThread()) {
      try {
        thread.join(CLOSE_WAIT_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void deleteSocketFileIfOurs() {
    try {
      if (fileKey.equals(identity(socket))) {
        Files.deleteIfExists(socket);
      } else {
        LOG.info("{}: leaving {}: another server has replaced it", address, socket);
      }
    } catch (IOException e) {
      LOG.debug("{}: socket file {} already gone", address, socket, e);
    }
  }

  private void acceptLoop(PeerPolicy policy, Refusal refusal, Admission admission) {
    while (true) {
      SocketChannel client;
      try {
        client = channel.accept();
      } catch (ClosedChannelException closedChannel) {
        return;
      } catch (IOException e) {
        if (!channel.isOpen()) {
          return;
        }
        LOG.warn("{}: accepting a client failed; retrying", address, e);
        LockSupport.parkNanos(ACCEPT_RETRY_NANOS);
        continue;
      }
      try {
        Optional<String> stranger = policy.refusedPeer(client);
        if (stranger.isPresent()) {
          refuse(client, stranger.get(), policy, refusal);
        } else {
          admission.admit(client);
        }
      } catch (Throwable e) {
        // Whatever one client's handling throws, an Error included (a SIGBUS on a mapped file is
        // an InternalError), fails that client only: the thread goes on accepting the others.
        warnings.warn(LOG, "client failed", "{}: handling a client failed; closing it", address, e);
        closeQuietly(client);
      }
    }
  }

  private void refuse(SocketChannel client, String user, PeerPolicy policy, Refusal refusal) {
    // Throttled: a process of another user may connect in a loop.
    warnings.warn(
        LOG,
        "refused peer user",
        "{}: refusing a client running as user '{}': this server admits {} (peerUsers)",
        address,
        user,
        policy);
    try {
      refusal.refuse(client, user);
    } catch (IOException | RuntimeException e) {
      LOG.debug("{}: the refused client left early", address, e);
    } finally {
      closeQuietly(client);
    }
  }

  @Override
  public String toString() {
    return "UnixSocketListener{" + address + " on " + socket + "}";
  }

  private static WitTransportException cannotStart(String address, String why, Throwable cause) {
    return new WitTransportException("cannot start server " + address + ": " + why, cause);
  }

  private static void closeQuietly(java.nio.channels.Channel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("closing {} failed", channel, e);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.debug("deleting {} failed", file, e);
    }
  }
}
