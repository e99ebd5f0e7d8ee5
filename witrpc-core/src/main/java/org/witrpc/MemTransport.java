package org.witrpc;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.witrpc.internal.MemConnection;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.Connection;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.RuntimeDirectory;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.TransportOptions;

/**
 * The in-process transport ({@code mem://NAME}): servers and clients in one JVM, for tests and for
 * embedding. It behaves like a real transport: frames are copied, each connection delivers on its
 * own daemon reader thread {@code witrpc-mem-...}, a close is seen by both sides, {@code
 * maxClients} is enforced and a name serves one server at a time.
 *
 * <p>Thread safety: the factories are stateless; the transports are safe for concurrent use.
 */
public final class MemTransport {
  private static final ConcurrentHashMap<String, Server> SERVERS = new ConcurrentHashMap<>();

  private MemTransport() {}

  /** An unstarted server transport for {@code name}, with default options. */
  public static ServerTransport server(String name) {
    return server(name, TransportOptions.defaults());
  }

  /** An unstarted server transport for {@code name}. */
  public static ServerTransport server(String name, TransportOptions options) {
    return new Server(
        RuntimeDirectory.checkName(name), Objects.requireNonNull(options, "options == null"));
  }

  /** A client transport for {@code name}, with default options. */
  public static ClientTransport client(String name) {
    return client(name, TransportOptions.defaults());
  }

  /** A client transport for {@code name}. */
  public static ClientTransport client(String name, TransportOptions options) {
    RuntimeDirectory.checkName(name);
    Objects.requireNonNull(options, "options == null");
    return new ClientTransport() {
      @Override
      public Connection connect(FrameListener listener, Duration timeout) {
        Objects.requireNonNull(listener, "listener == null");
        Server server = SERVERS.get(name);
        if (server == null) {
          throw new WitTransportException("no server listening at mem://" + name);
        }
        return server.connect(listener, options.maxFrameSize());
      }

      @Override
      public String address() {
        return "mem://" + name;
      }
    };
  }

  private static final class Server implements ServerTransport {
    private final String name;
    private final TransportOptions options;
    private final Set<MemConnection> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean closed;
    private volatile Acceptor acceptor;

    Server(String name, TransportOptions options) {
      this.name = name;
      this.options = options;
    }

    @Override
    public void start(Acceptor acceptor) {
      Objects.requireNonNull(acceptor, "acceptor == null");
      if (closed || !started.compareAndSet(false, true)) {
        throw new WitTransportException(address() + " was already started or closed");
      }
      this.acceptor = acceptor;
      if (SERVERS.putIfAbsent(name, this) != null) {
        throw new WitTransportException(
            address() + " is already in use by another server in this JVM");
      }
    }

    Connection connect(FrameListener clientListener, int clientMaxFrame) {
      int id = ids.incrementAndGet();
      MemConnection serverSide;
      synchronized (this) {
        if (closed) {
          throw new WitTransportException("no server listening at " + address());
        }
        if (open.size() >= options.maxClients()) {
          throw new WitTransportException(
              address()
                  + " refused the connection: its maximum of "
                  + options.maxClients()
                  + " clients is reached");
        }
        MemConnection[] self = new MemConnection[1];
        // removed from the open set the moment either side closes, so a slot frees at once
        serverSide =
            new MemConnection(name + "-s" + id, options.maxFrameSize(), () -> open.remove(self[0]));
        self[0] = serverSide;
        open.add(serverSide);
      }
      MemConnection server = serverSide;
      MemConnection clientSide = new MemConnection(name + "-c" + id, clientMaxFrame, () -> {});
      MemConnection.pair(server, clientSide);
      FrameListener serverListener;
      try {
        serverListener = Objects.requireNonNull(acceptor.accept(server), "acceptor returned null");
      } catch (RuntimeException e) {
        open.remove(server);
        throw new WitTransportException(address() + " failed to accept the connection: " + e, e);
      }
      server.start(
          new FrameListener() {
            @Override
            public void onFrame(java.nio.ByteBuffer frame) {
              serverListener.onFrame(frame);
            }

            @Override
            public void onClosed(Throwable cause) {
              serverListener.onClosed(cause);
            }
          });
      clientSide.start(clientListener);
      return clientSide;
    }

    @Override
    public void close() {
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
      }
      SERVERS.remove(name, this);
      for (MemConnection c : java.util.List.copyOf(open)) {
        c.close();
      }
    }

    @Override
    public String address() {
      return "mem://" + name;
    }
  }
}
