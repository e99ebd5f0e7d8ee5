package org.witrpc.transport.tcp.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.WitTransportException;
import org.witrpc.internal.WarningThrottle;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.TransportOptions;

/**
 * The listening machinery of the network servers ({@code tcp://}, {@code ws://}, {@code wss://}):
 * binds a server socket on the shared I/O threads ({@link EventLoops}), starts each accepted socket
 * with TLS (when on) and the transport's opening handlers, admits up to {@code maxClients} clients
 * once their opening exchange is done, hands each admitted connection to the acceptor, and closes
 * everything on {@link #close}. A transport extends it with its address form and its opening
 * handlers (the hello of {@code tcp://}, the HTTP upgrade of {@code ws://}).
 *
 * <p>Admission in two stages, so that sockets that never finish their opening exchange cannot keep
 * clients out: at most {@link NettySettings#maxHandshakes()} sockets may be in their opening
 * exchange at once (each for at most {@link NettyChannels#OPENING_TIMEOUT_MILLIS}), and a socket
 * accepted beyond that closes the one that has waited longest, so a new client always gets its turn
 * however many idle sockets an attacker opens; those sockets take no client slot. A client slot
 * ({@code maxClients}) is taken only by {@link #admit}, after the opening exchange, and held from
 * then on: by the channel until {@link #open} makes its connection (or the channel closes first),
 * then by the connection until it closes. So clients admitted at once on several event loops never
 * exceed {@code maxClients} together.
 *
 * <p>The opening exchange proves nothing about the peer (the witrpc handshake and its access token
 * come after it), so a connection that is not READY cannot keep a client out either: when every
 * slot is taken, a newcomer closes the oldest connection that its acceptor has returned for and
 * that is not READY yet ({@link NettyConnection#isReady}: the protocol layer has not lifted its
 * frame limit) and takes its slot; only when every connection is READY (or still being opened) is
 * the newcomer refused. A peer that opens connections and never completes the handshake thus holds
 * slots only until real clients need them, however often it renews them. What such sockets,
 * evictions and refused clients cause is logged through the server's {@link WarningThrottle}, so
 * that they cannot flood the log.
 *
 * <p>Thread safety: {@code start}, {@code close} and the getters may be called from any thread;
 * {@code admit} and {@code open} are called from the channel's event loop; the acceptor is called
 * one call at a time, never while a lock of the server is held.
 */
public abstract class NettyServer {

  private static final Logger log = LoggerFactory.getLogger(NettyServer.class);
  private static final long CLOSE_WAIT_MILLIS = 2_000;

  /**
   * The words of a transport in its messages and thread names.
   *
   * @param plain what the server serves without TLS, for the exposure error: {@code "plain TCP"}
   * @param insecureHint where to say insecure in code: {@code
   *     "TcpTransport.server(...).insecure(true)"}
   * @param readThreadPrefix the name of the delivery threads before {@code PORT#ID}: {@code
   *     "witrpc-tcp-read-"}
   */
  public record Labels(String plain, String insecureHint, String readThreadPrefix) {}

  private enum State {
    NEW,
    STARTED,
    CLOSED
  }

  private final String host;
  private final int port;
  private final TransportOptions options;
  private final int maxHandshakes;
  private final boolean insecure;
  private final SslContext sslContext;
  private final Labels labels;
  private final AtomicLong connectionIds = new AtomicLong();
  private final Object lock = new Object();
  private final Object acceptLock = new Object();
  private final WarningThrottle warnings = new WarningThrottle();

  private State state = State.NEW; // guarded by lock
  private int boundPort; // guarded by lock
  private EventLoops.Lease lease; // guarded by lock
  private Channel serverChannel; // guarded by lock
  private ServerTransport.Acceptor acceptor; // guarded by lock
  // in their opening exchange, oldest first; guarded by lock
  private final Set<Channel> waiting = new LinkedHashSet<>();
  // admitted, their connection not yet opened: each holds a client slot; guarded by lock
  private final Set<Channel> admitted = new HashSet<>();
  private final Set<NettyConnection> connections = new HashSet<>(); // guarded by lock
  // opened and started, not READY when last looked at, oldest first: those a newcomer may close
  // when all client slots are taken (one that became READY since is dropped when looked at);
  // guarded by lock
  private final Set<NettyConnection> unready = new LinkedHashSet<>();

  /**
   * @param host the address to listen on
   * @param port the port; 0 for any free one
   * @throws IllegalArgumentException if the TLS files or key store cannot be used
   */
  protected NettyServer(
      String host, int port, TransportOptions options, NettySettings settings, Labels labels) {
    this.host = host;
    this.port = port;
    this.boundPort = port;
    this.options = options;
    this.maxHandshakes = settings.maxHandshakes();
    this.insecure = settings.insecure();
    this.sslContext = settings.sslContext();
    this.labels = labels;
  }

  /** The address clients use with {@code port}: {@code tcp://HOST:PORT}. */
  protected abstract String address(int port);

  /** Puts the handlers of the opening exchange, after TLS, on an accepted channel (event loop). */
  protected abstract void addOpeningHandlers(Channel channel);

  /** Binds the server socket; from then on sockets are accepted and admitted. */
  public void start(ServerTransport.Acceptor acceptor) {
    Objects.requireNonNull(acceptor, "acceptor == null");
    synchronized (lock) {
      if (state != State.NEW) {
        throw new WitTransportException(
            "server " + address(port) + " was already " + state.name().toLowerCase(Locale.ROOT));
      }
      // resolved first, so that an unknown host is named as such, not taken for a non-loopback
      // address that needs insecure=true; bound by that address, so it is resolved once
      InetSocketAddress bindAddress = resolve();
      if (sslContext == null) {
        PlainExposure.check(address(port), host, insecure, labels.plain(), labels.insecureHint());
      }
      this.acceptor = acceptor;
      lease = EventLoops.acquire();
      ChannelFuture binding;
      try {
        binding =
            new ServerBootstrap()
                .group(lease.group())
                .channel(EventLoops.serverChannelType())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 128)
                .childHandler(
                    new ChannelInitializer<>() {
                      @Override
                      protected void initChannel(Channel channel) {
                        initAccepted(channel);
                      }
                    })
                .bind(bindAddress)
                .awaitUninterruptibly();
      } catch (RuntimeException e) {
        lease.close();
        throw new WitTransportException("cannot start server " + address(port) + ": " + e, e);
      }
      if (!binding.isSuccess()) {
        binding.channel().close();
        lease.close();
        Throwable cause = binding.cause();
        throw new WitTransportException(
            "cannot start server "
                + address(port)
                + ": binding failed ("
                + cause.getMessage()
                + ")"
                + bindHint(cause),
            cause);
      }
      serverChannel = binding.channel();
      boundPort = ((InetSocketAddress) serverChannel.localAddress()).getPort();
      state = State.STARTED;
    }
    log.debug("{} listening{}", address(), sslContext != null ? " with TLS" : "");
  }

  /**
   * The address to bind: the host resolved (a name of this machine, or an address literal).
   *
   * @throws WitTransportException naming the host if it cannot be resolved
   */
  private InetSocketAddress resolve() {
    try {
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (UnknownHostException e) {
      throw new WitTransportException(
          "cannot start server "
              + address(port)
              + ": unknown host '"
              + host
              + "' ("
              + e.getMessage()
              + "); listen on an address or a name of this machine, for example 127.0.0.1",
          e);
    }
  }

  /**
   * What to check after a failed bind, from the system's reason (its words differ by transport).
   */
  private String bindHint(Throwable cause) {
    String reason = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
    if (reason.contains("in use") && port != 0) {
      return "; is another server on port " + port + "?";
    }
    if (reason.contains("assign requested address")) {
      return "; is " + host + " an address of this machine?";
    }
    return "";
  }

  private void initAccepted(Channel channel) {
    Channel evicted = null;
    synchronized (lock) {
      if (state != State.STARTED) {
        channel.close();
        return;
      }
      if (waiting.size() >= maxHandshakes) {
        Iterator<Channel> oldest = waiting.iterator();
        evicted = oldest.next();
        oldest.remove();
        warnings.warn(
            log,
            "eviction",
            "{}: {} connections are in their opening exchange (maxHandshakes); closing the one that"
                + " waited longest, {}",
            address(),
            waiting.size(),
            evicted.remoteAddress());
      }
      waiting.add(channel);
    }
    if (evicted != null) {
      evicted.close();
    }
    channel.closeFuture().addListener(f -> forget(channel));
    NettyChannels.configure(channel);
    if (sslContext != null) {
      InetSocketAddress remote = (InetSocketAddress) channel.remoteAddress();
      channel
          .pipeline()
          .addLast(
              "tls",
              SslContexts.newHandler(
                  sslContext, channel.alloc(), remote.getHostString(), remote.getPort()));
    }
    addOpeningHandlers(channel);
  }

  private void forget(Channel channel) {
    synchronized (lock) {
      waiting.remove(channel);
      admitted.remove(channel);
    }
  }

  /**
   * Takes a client slot for {@code channel}, whose opening exchange is done; false if all {@code
   * maxClients} are taken by connections that are READY or being opened (the refusal is logged) or
   * the server is closed. If a slot is held by a connection that is not READY, that connection (the
   * oldest such) is closed and its slot given to {@code channel}. The slot is held until {@link
   * #open} passes it to the channel's connection, or is freed when the channel closes first.
   */
  public boolean admit(Channel channel) {
    NettyConnection evicted;
    synchronized (lock) {
      waiting.remove(channel);
      if (state != State.STARTED || !channel.isActive()) {
        return false;
      }
      if (admitted.contains(channel)) {
        return true;
      }
      evicted = null;
      if (connections.size() + admitted.size() >= options.maxClients()) {
        evicted = oldestUnready();
        if (evicted == null) {
          warnings.warn(
              log,
              "maxClients",
              "{}: refusing {}: the server has its maximum of {} clients",
              address(),
              channel.remoteAddress(),
              options.maxClients());
          return false;
        }
        // its slot is the newcomer's from now on, whenever its channel is done closing
        connections.remove(evicted);
        warnings.warn(
            log,
            "unready eviction",
            "{}: the server has its maximum of {} clients; closing {}, the oldest that has not"
                + " completed the witrpc handshake, to admit {}",
            address(),
            options.maxClients(),
            evicted,
            channel.remoteAddress());
      }
      admitted.add(channel);
    }
    if (evicted != null) {
      evicted.fail(
          new WitTransportException(
              evicted
                  + ": closed before completing the witrpc handshake, to admit another client (the"
                  + " server has its maximum of "
                  + options.maxClients()
                  + " clients)"));
    }
    return true;
  }

  /**
   * Takes the oldest connection of {@link #unready} that is still not READY out of it; null if none
   * (lock held).
   */
  private NettyConnection oldestUnready() {
    Iterator<NettyConnection> oldest = unready.iterator();
    while (oldest.hasNext()) {
      NettyConnection candidate = oldest.next();
      oldest.remove();
      if (!candidate.isReady()) {
        return candidate;
      }
    }
    return null;
  }

  /**
   * Makes the connection of an admitted channel, lets {@code installHandlers} put its handlers
   * (with its frame limit, for the decoder) in the pipeline, hands it to the acceptor and starts
   * its delivery thread (event loop). If the server was closed meanwhile, or the channel closed and
   * so gave its slot back, the channel is closed instead.
   */
  public void open(
      Channel channel,
      FrameFormat format,
      BiConsumer<NettyConnection, FrameLimit> installHandlers) {
    long id = connectionIds.incrementAndGet();
    String bound = address();
    FrameLimit limit = new FrameLimit(options.maxFrameSize());
    NettyConnection connection =
        new NettyConnection(
            channel,
            bound + "#" + id + " (" + channel.remoteAddress() + ")",
            options.maxFrameSize(),
            options.sendTimeout(),
            format,
            limit,
            this::release);
    connection.peerPrincipal(SslContexts.peerPrincipal(channel.pipeline()));
    ServerTransport.Acceptor current;
    int threadPort;
    synchronized (lock) {
      if (state != State.STARTED || !admitted.remove(channel)) {
        channel.close();
        return;
      }
      connections.add(connection);
      current = acceptor;
      threadPort = boundPort;
    }
    installHandlers.accept(connection, limit);
    FrameListener listener;
    try {
      synchronized (acceptLock) {
        listener = Objects.requireNonNull(current.accept(connection), "acceptor returned null");
      }
    } catch (RuntimeException e) {
      log.error("{}: the acceptor failed; closing the connection", connection, e);
      connection.fail(new WitTransportException(connection + ": the acceptor failed: " + e, e));
      return;
    }
    connection.start(listener, labels.readThreadPrefix() + threadPort + "#" + id);
    synchronized (lock) {
      // evictable only from now on: a connection being opened may still become READY in its
      // acceptor (as one of a transport used without the protocol layer may)
      if (!connection.isReady() && connections.contains(connection)) {
        unready.add(connection);
      }
    }
  }

  private void release(NettyConnection connection) {
    synchronized (lock) {
      connections.remove(connection);
      unready.remove(connection);
    }
  }

  /** Stops listening and closes every connection and socket, admitted or not. Idempotent. */
  public void close() {
    List<NettyConnection> open;
    List<Channel> unadmitted;
    Channel channel;
    EventLoops.Lease held;
    synchronized (lock) {
      if (state == State.CLOSED) {
        return;
      }
      state = State.CLOSED;
      open = new ArrayList<>(connections);
      unadmitted = new ArrayList<>(waiting);
      unadmitted.addAll(admitted);
      channel = serverChannel;
      held = lease;
    }
    if (channel != null) {
      channel.close().awaitUninterruptibly(CLOSE_WAIT_MILLIS);
      awaitNextIoPass(channel.eventLoop());
    }
    for (Channel c : unadmitted) {
      c.close();
    }
    for (NettyConnection connection : open) {
      connection.close();
    }
    if (held != null) {
      held.close();
    }
    log.debug("{} closed", address());
  }

  /**
   * Waits until {@code loop} has been through its I/O once more, so that the port is free when
   * {@link #close} returns. On NIO the JDK closes a listening socket that is registered with a
   * selector only at the selector's next selection, and Netty completes the close before that (and
   * cancels the registration in a task of its own after it): a server started on the port at once
   * would find it taken. A task scheduled from the loop runs after the loop's next I/O pass, which
   * is that selection; native epoll closes the socket at once, and the pass costs it microseconds.
   * Closed from that loop itself (a method run inline that closes a server), it cannot wait for its
   * own next pass: the port is then free once the running task returns.
   */
  private static void awaitNextIoPass(EventLoop loop) {
    if (loop.inEventLoop()) {
      return;
    }
    Promise<Void> passed = loop.newPromise();
    try {
      // queued behind the close's own tasks; the scheduled task is fetched after the next I/O pass
      loop.execute(() -> loop.schedule(() -> passed.trySuccess(null), 0, TimeUnit.NANOSECONDS));
    } catch (RejectedExecutionException e) {
      return; // the loop has shut down, and its selector with it
    }
    passed.awaitUninterruptibly(CLOSE_WAIT_MILLIS);
  }

  /**
   * The warnings about peers that have not authenticated (a refusal, a failed opening exchange):
   * for the transport's opening handlers, so that a flood of such peers cannot flood the log.
   */
  public WarningThrottle warnings() {
    return warnings;
  }

  /** The address clients use, with the port really bound once started. */
  public String address() {
    return address(port());
  }

  /** The port clients connect to: the bound one once started, else the configured one. */
  public int port() {
    synchronized (lock) {
      return boundPort;
    }
  }

  public int maxClients() {
    return options.maxClients();
  }

  public int maxFrameSize() {
    return options.maxFrameSize();
  }

  public boolean isTls() {
    return sslContext != null;
  }
}
