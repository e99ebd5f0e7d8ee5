package org.witrpc.transport.mmf;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.witrpc.WitSecurityException;
import org.witrpc.WitTransportException;
import org.witrpc.internal.Durations;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.Connection;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.PeerPolicy;

/**
 * The connecting side of the shared-memory transport: connects to {@code NAME.mmf.sock}, maps the
 * file the server hands over, checks its header and acknowledges (see {@link Rendezvous}).
 *
 * <p>Thread safety: safe for use by multiple threads; holds no resources itself.
 */
public final class MmfClientTransport implements ClientTransport {
  private static final AtomicInteger IDS = new AtomicInteger();

  /** How long to wait before connecting again to a server whose listen backlog is full. */
  private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final MmfSettings settings;
  private final PeerPolicy peerPolicy;

  MmfClientTransport(MmfSettings settings, PeerPolicy peerPolicy) {
    this.settings = Objects.requireNonNull(settings, "settings == null");
    this.peerPolicy = Objects.requireNonNull(peerPolicy, "peerPolicy == null");
  }

  @Override
  public Connection connect(FrameListener listener, Duration timeout) {
    Objects.requireNonNull(listener, "listener == null");
    Objects.requireNonNull(timeout, "timeout == null");
    long deadline = System.nanoTime() + Math.max(1, Durations.capped(timeout).toNanos());
    Path dir = settings.resolveDirectory();
    Path socket = settings.socketPath(dir);
    if (!Files.exists(socket)) {
      throw new WitTransportException(
          "no mmf server named '" + settings.name() + "': socket " + socket + " does not exist");
    }
    SocketChannel channel = null;
    try {
      channel = connectBefore(socket, deadline, timeout);
      peerPolicy.checkServer(channel, address());
      Rendezvous.Reply reply = Rendezvous.readReply(channel, deadline);
      if (reply.status() == Rendezvous.REFUSED
          && reply.text().startsWith(Rendezvous.PEER_USER_REFUSED)) {
        throw new WitSecurityException(address() + " refused the connection: " + reply.text());
      }
      if (reply.status() == Rendezvous.REFUSED) {
        throw new WitTransportException("the server refused the connection: " + reply.text());
      }
      Path file = Path.of(reply.text());
      if (!dir.equals(file.getParent()) || !MmfFiles.isMappingOf(settings.name(), file)) {
        throw new WitTransportException(
            "the server offered the unexpected mapping file " + file + "; refusing it");
      }
      MmfFiles.Mapped mapped = MmfFiles.open(file);
      int capacity = RingDescriptor.validate(mapped.buffer(), mapped.buffer().capacity());
      int serverMaxFrameSize =
          RingDescriptor.announcedMaxFrameSize(
              mapped.buffer(), RingDescriptor.SERVER_MAX_FRAME_OFFSET);
      RingDescriptor.announceMaxFrameSize(
          mapped.buffer(), RingDescriptor.CLIENT_MAX_FRAME_OFFSET, settings.maxFrameSize());
      Rendezvous.sendAck(channel);
      MmfConnection connection =
          new MmfConnection(
              settings.name() + "@client#" + IDS.incrementAndGet(),
              channel,
              mapped.buffer(),
              capacity,
              RingDescriptor.SERVER_TO_CLIENT,
              serverMaxFrameSize,
              settings,
              () -> {});
      connection.start(listener);
      return connection;
    } catch (IOException e) {
      closeQuietly(channel);
      throw new WitTransportException(
          "cannot connect to " + address() + " at " + socket + ": " + e, e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    } catch (InternalError e) {
      closeQuietly(channel);
      throw MappingFault.of("cannot connect to " + address(), e);
    }
  }

  /**
   * Connects to {@code socket} without blocking past the deadline. A server that does not accept
   * (frozen, or too busy) fills its listen backlog, and a blocking connect then waits for as long
   * as it stays so; a non-blocking one fails at once (EAGAIN), so it is retried every few
   * milliseconds until the deadline. A refusal (nobody listens) fails at once.
   */
  private SocketChannel connectBefore(Path socket, long deadline, Duration timeout)
      throws IOException {
    while (true) {
      SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
      try {
        channel.configureBlocking(false);
        if (channel.connect(UnixDomainSocketAddress.of(socket))) {
          channel.configureBlocking(true);
          return channel;
        }
        // Not seen for Unix sockets on Linux (EINPROGRESS), but allowed: wait for it.
        try (Selector selector = Selector.open()) {
          channel.register(selector, SelectionKey.OP_CONNECT);
          while (!channel.finishConnect()) {
            selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining(deadline))));
            selector.selectedKeys().clear();
            if (deadline - System.nanoTime() <= 0) {
              throw timedOut(socket, timeout, null);
            }
          }
        }
        channel.configureBlocking(true);
        return channel;
      } catch (ConnectException e) {
        closeQuietly(channel);
        throw new WitTransportException(
            "no mmf server listening on " + socket + " for " + address() + ": " + e.getMessage(),
            e);
      } catch (SocketException e) {
        // The listen backlog is full (EAGAIN), as a rule; the channel is closed: try again with a
        // new one. Not if the socket is gone or not ours to connect to (ENOENT, EACCES).
        closeQuietly(channel);
        if (!Files.isWritable(socket)) {
          throw new WitTransportException(
              "cannot connect to " + address() + " at " + socket + ": " + e.getMessage(), e);
        }
        if (remaining(deadline) <= 0) {
          throw timedOut(socket, timeout, e);
        }
        if (Thread.currentThread().isInterrupted()) {
          throw new WitTransportException("interrupted while connecting to " + address(), e);
        }
        LockSupport.parkNanos(Math.min(RETRY_NANOS, remaining(deadline)));
      } catch (IOException | RuntimeException e) {
        closeQuietly(channel);
        throw e;
      }
    }
  }

  private static long remaining(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }

  private WitTransportException timedOut(Path socket, Duration timeout, Exception last) {
    return new WitTransportException(
        "cannot connect to "
            + address()
            + ": the server did not accept the connection on "
            + socket
            + " within "
            + timeout
            + (last == null ? "" : " (" + last.getMessage() + ")"),
        last);
  }

  @Override
  public String address() {
    return settings.address();
  }

  private static void closeQuietly(SocketChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing more to release
      }
    }
  }
}
