package org.witrpc.internal;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.witrpc.WitTransportException;
import org.witrpc.spi.Connection;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.TransportOptions;

/**
 * The server side of {@code mem://NAME}; see {@link org.witrpc.MemTransport}. A started server is
 * registered under its name in this JVM until it closes.
 *
 * <p>Thread safety: safe for concurrent use.
 */
public final class MemServerTransport implements ServerTransport {
  private static final ConcurrentHashMap<String, MemServerTransport> SERVERS =
      new ConcurrentHashMap<>();

  private final String name;
  private final TransportOptions options;
  private final Set<MemConnection> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger ids = new AtomicInteger();
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile boolean closed;
  private volatile Acceptor acceptor;

  /** An unstarted server for {@code name} (already checked) with {@code options}. */
  public MemServerTransport(String name, TransportOptions options) {
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

  /** Connects a client to the server started for {@code name}. */
  static Connection connect(String name, FrameListener clientListener, int clientMaxFrame) {
    MemServerTransport server = SERVERS.get(name);
    if (server == null) {
      throw new WitTransportException("no server listening at mem://" + name);
    }
    return server.accept(clientListener, clientMaxFrame);
  }

  private Connection accept(FrameListener clientListener, int clientMaxFrame) {
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
    for (MemConnection c : List.copyOf(open)) {
      c.close();
    }
  }

  @Override
  public String address() {
    return "mem://" + name;
  }
}
