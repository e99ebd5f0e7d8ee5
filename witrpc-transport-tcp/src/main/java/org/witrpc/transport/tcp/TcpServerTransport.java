package org.witrpc.transport.tcp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.WitTransportException;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.TransportOptions;
import org.witrpc.transport.tcp.internal.EventLoops;
import org.witrpc.transport.tcp.internal.FrameLimit;
import org.witrpc.transport.tcp.internal.Heartbeat;
import org.witrpc.transport.tcp.internal.NettyChannels;
import org.witrpc.transport.tcp.internal.NettyConnection;
import org.witrpc.transport.tcp.internal.PlainExposure;
import org.witrpc.transport.tcp.internal.SslContexts;

/**
 * The listening side of {@code tcp://}: a Netty server socket on the shared I/O threads ({@link
 * EventLoops}), admitting up to {@code maxClients} clients; each admitted connection delivers its
 * frames on a thread of its own. Created with {@link TcpTransport#server(String, int)}; nothing is
 * allocated before {@link #start}.
 *
 * <p>Security: with {@link Builder#tls(TlsOptions)} every connection is TLS 1.3 or 1.2. Without TLS
 * the server listens only on a loopback address; a non-loopback one (including the wildcard {@code
 * 0.0.0.0} or {@code ::}) makes {@code start} fail unless {@link Builder#insecure(boolean)} ({@code
 * insecure=true}) says plain TCP is wanted there, which logs a warning.
 *
 * <p>Thread safety: {@code start} and {@code close} may be called from any thread; the acceptor is
 * called from an I/O thread, one call at a time, never while a lock of the transport is held.
 */
public final class TcpServerTransport implements ServerTransport {

  private static final Logger log = LoggerFactory.getLogger(TcpServerTransport.class);
  private static final long CLOSE_WAIT_MILLIS = 2_000;

  private enum State {
    NEW,
    STARTED,
    CLOSED
  }

  private final TcpEndpoint endpoint;
  private final TransportOptions options;
  private final Heartbeat heartbeat;
  private final TlsOptions tls;
  private final SslContext sslContext;
  private final boolean insecure;
  private final AtomicLong connectionIds = new AtomicLong();
  private final Object lock = new Object();
  private final Object acceptLock = new Object();

  private State state = State.NEW; // guarded by lock
  private TcpEndpoint bound; // guarded by lock
  private EventLoops.Lease lease; // guarded by lock
  private Channel serverChannel; // guarded by lock
  private Acceptor acceptor; // guarded by lock
  private final Set<Channel> waiting = new HashSet<>(); // not admitted yet; guarded by lock
  private final Set<NettyConnection> connections = new HashSet<>(); // guarded by lock

  private TcpServerTransport(Builder builder) {
    this.endpoint = builder.endpoint;
    this.options = builder.options;
    this.heartbeat = builder.heartbeat;
    this.tls = builder.tls;
    this.sslContext = builder.tls == null ? null : SslContexts.build(builder.tls);
    this.insecure = builder.insecure;
  }

  @Override
  public void start(Acceptor acceptor) {
    Objects.requireNonNull(acceptor, "acceptor == null");
    synchronized (lock) {
      if (state != State.NEW) {
        throw new WitTransportException(
            "server " + endpoint + " was already " + state.name().toLowerCase(Locale.ROOT));
      }
      checkExposure();
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
                .bind(endpoint.host(), endpoint.port())
                .awaitUninterruptibly();
      } catch (RuntimeException e) {
        lease.close();
        throw new WitTransportException("cannot start server " + endpoint + ": " + e, e);
      }
      if (!binding.isSuccess()) {
        binding.channel().close();
        lease.close();
        Throwable cause = binding.cause();
        throw new WitTransportException(
            "cannot start server "
                + endpoint
                + ": binding failed ("
                + cause.getMessage()
                + "); is another server on port "
                + endpoint.port()
                + "?",
            cause);
      }
      serverChannel = binding.channel();
      bound = endpoint.withPort(((InetSocketAddress) serverChannel.localAddress()).getPort());
      state = State.STARTED;
    }
    log.debug("{} listening{}", bound, tls != null ? " with TLS" : "");
  }

  /** Refuses plain TCP on a non-loopback address unless told it is wanted. */
  private void checkExposure() {
    if (tls == null) {
      PlainExposure.check(
          endpoint.address(),
          endpoint.host(),
          insecure,
          "plain TCP",
          "TcpTransport.server(...).insecure(true)");
    }
  }

  private void initAccepted(Channel channel) {
    synchronized (lock) {
      if (state != State.STARTED || waiting.size() >= options.maxClients()) {
        if (state == State.STARTED) {
          log.warn(
              "{}: dropping {}: {} connections are already in their handshake",
              bound,
              channel.remoteAddress(),
              waiting.size());
        }
        channel.close();
        return;
      }
      waiting.add(channel);
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
    channel.pipeline().addLast("hello", new ServerHelloHandler(this));
  }

  private void forget(Channel channel) {
    synchronized (lock) {
      waiting.remove(channel);
    }
  }

  /** Takes a client slot for {@code channel} (after its hello); false if all are taken. */
  boolean admit(Channel channel) {
    synchronized (lock) {
      waiting.remove(channel);
      if (state != State.STARTED) {
        return false;
      }
      if (connections.size() >= options.maxClients()) {
        log.warn(
            "{}: refusing {}: the server has its maximum of {} clients",
            bound,
            channel.remoteAddress(),
            options.maxClients());
        return false;
      }
      return true;
    }
  }

  /** Makes the connection of an admitted channel and hands it to the acceptor (event loop). */
  void accepted(Channel channel) {
    long id = connectionIds.incrementAndGet();
    FrameLimit limit = new FrameLimit(options.maxFrameSize());
    NettyConnection connection =
        new NettyConnection(
            channel,
            bound + "#" + id + " (" + channel.remoteAddress() + ")",
            options.maxFrameSize(),
            options.sendTimeout(),
            TcpFormat.INSTANCE,
            limit,
            this::release);
    connection.peerPrincipal(SslContexts.peerPrincipal(channel.pipeline()));
    Acceptor current;
    synchronized (lock) {
      if (state != State.STARTED) {
        channel.close();
        return;
      }
      connections.add(connection);
      current = acceptor;
    }
    TcpPipeline.install(channel.pipeline(), connection, limit, heartbeat);
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
    connection.start(listener, "witrpc-tcp-read-" + bound.port() + "#" + id);
  }

  private void release(NettyConnection connection) {
    synchronized (lock) {
      connections.remove(connection);
    }
  }

  @Override
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
      channel = serverChannel;
      held = lease;
    }
    if (channel != null) {
      channel.close().awaitUninterruptibly(CLOSE_WAIT_MILLIS);
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
    log.debug("{} closed", bound != null ? bound : endpoint);
  }

  /**
   * The address clients use: {@code tcp://HOST:PORT}, with the port really bound once started (so
   * {@code tcp://127.0.0.1:0} shows the port the system chose).
   */
  @Override
  public String address() {
    synchronized (lock) {
      return (bound != null ? bound : endpoint).address();
    }
  }

  /** The port clients connect to: the bound one once started, else the configured one. */
  public int port() {
    synchronized (lock) {
      return (bound != null ? bound : endpoint).port();
    }
  }

  /** Most clients connected at once. */
  public int maxClients() {
    return options.maxClients();
  }

  /** Largest frame accepted or sent, in bytes. */
  public int maxFrameSize() {
    return options.maxFrameSize();
  }

  /** Whether connections use TLS. */
  public boolean isTls() {
    return tls != null;
  }

  @Override
  public String toString() {
    return "TcpServerTransport{" + address() + (tls != null ? ", TLS" : "") + "}";
  }

  /**
   * Configures a {@link TcpServerTransport}: setters without {@code set}, defaults from {@link
   * TransportOptions#defaults()}, heartbeats every 5 s (dead after 3 missed), no TLS.
   *
   * <p>Thread safety: not thread-safe; confine a builder to one thread.
   */
  public static final class Builder {
    private final TcpEndpoint endpoint;
    private TransportOptions options = TransportOptions.defaults();
    private Heartbeat heartbeat = Heartbeat.DEFAULT;
    private TlsOptions tls;
    private boolean insecure;

    Builder(TcpEndpoint endpoint) {
      this.endpoint = endpoint;
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

    /** All of maxClients, maxFrameSize and sendTimeout at once. */
    public Builder options(TransportOptions options) {
      this.options = Objects.requireNonNull(options, "options == null");
      return this;
    }

    /**
     * Heartbeats: a ping after {@code interval} without sending; a client not heard from for {@code
     * misses} intervals is taken for dead and disconnected. Default 5 s and 3; an interval of
     * {@link Duration#ZERO} turns them off.
     *
     * @throws IllegalArgumentException if the interval is negative or under 10 ms, or misses below
     *     1
     */
    public Builder heartbeat(Duration interval, int misses) {
      this.heartbeat = Heartbeat.of(interval, misses);
      return this;
    }

    /** TLS for every connection, with a server's {@link TlsOptions}. Default: plain TCP. */
    public Builder tls(TlsOptions tls) {
      Objects.requireNonNull(tls, "tls == null");
      if (!tls.isServer()) {
        throw new IllegalArgumentException("a server needs TlsOptions.server(...), not " + tls);
      }
      this.tls = tls;
      return this;
    }

    /**
     * Allows plain TCP on a non-loopback address (default false: {@code start} refuses it). The
     * traffic can then be read and changed by anyone on the network path; {@code .encryption(true)}
     * on the server and client hides it but does not prove the server's identity to the client, TLS
     * does.
     */
    public Builder insecure(boolean insecure) {
      this.insecure = insecure;
      return this;
    }

    /**
     * The unstarted server transport.
     *
     * @throws IllegalArgumentException if the TLS files or key store cannot be used
     */
    public TcpServerTransport build() {
      return new TcpServerTransport(this);
    }
  }
}
