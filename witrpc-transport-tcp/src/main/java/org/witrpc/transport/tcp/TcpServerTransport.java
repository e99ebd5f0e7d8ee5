package org.witrpc.transport.tcp;

import io.netty.channel.Channel;
import java.time.Duration;
import org.witrpc.internal.WarningThrottle;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.TransportBuilder;
import org.witrpc.spi.TransportOptions;
import org.witrpc.transport.tcp.internal.EventLoops;
import org.witrpc.transport.tcp.internal.Heartbeat;
import org.witrpc.transport.tcp.internal.NettyServer;
import org.witrpc.transport.tcp.internal.NettySettings;

/**
 * The listening side of {@code tcp://}: a Netty server socket on the shared I/O threads ({@link
 * EventLoops}), admitting up to {@code maxClients} clients; each admitted connection delivers its
 * frames on a thread of its own. Created with {@link TcpTransport#server(String, int)}; nothing is
 * allocated before {@link #start}.
 *
 * <p>Security: with {@link Builder#tls(TlsOptions)} every connection is TLS 1.3 or 1.2. Without TLS
 * the server listens only on a loopback address; a non-loopback one (including the wildcard {@code
 * 0.0.0.0} or {@code ::}) makes {@code start} fail unless {@link Builder#insecure(boolean)} ({@code
 * insecure=true}) says plain TCP is wanted there, which logs a warning. Sockets that have not said
 * their hello take no client slot: at most {@link Builder#maxHandshakes(int)} of them wait at once,
 * and a new one closes the one that waited longest.
 *
 * <p>Thread safety: {@code start}, {@code close} and the getters may be called from any thread; the
 * acceptor is called from an I/O thread, one call at a time, never while a lock of the transport is
 * held.
 */
public final class TcpServerTransport implements ServerTransport {

  private static final NettyServer.Labels LABELS =
      new NettyServer.Labels(
          "plain TCP", "TcpTransport.server(...).insecure(true)", "witrpc-tcp-read-");

  private final TcpEndpoint endpoint;
  private final Heartbeat heartbeat;
  private final Server server;

  private TcpServerTransport(
      TcpEndpoint endpoint, TransportOptions options, NettySettings settings) {
    this.endpoint = endpoint;
    this.heartbeat = settings.heartbeat();
    this.server = new Server(options, settings);
  }

  /** The shared server machinery with the address form and the hello of {@code tcp://}. */
  private final class Server extends NettyServer {
    Server(TransportOptions options, NettySettings settings) {
      super(endpoint.host(), endpoint.port(), options, settings, LABELS);
    }

    @Override
    protected String address(int port) {
      return endpoint.withPort(port).address();
    }

    @Override
    protected void addOpeningHandlers(Channel channel) {
      channel.pipeline().addLast("hello", new ServerHelloHandler(TcpServerTransport.this));
    }
  }

  @Override
  public void start(Acceptor acceptor) {
    server.start(acceptor);
  }

  /** The server's warnings about peers that have not said a valid hello. */
  WarningThrottle warnings() {
    return server.warnings();
  }

  /** Takes a client slot for {@code channel} (after its hello); false if all are taken. */
  boolean admit(Channel channel) {
    return server.admit(channel);
  }

  /** Makes the connection of an admitted channel and hands it to the acceptor (event loop). */
  void accepted(Channel channel) {
    server.open(
        channel,
        TcpFormat.INSTANCE,
        (connection, limit) ->
            TcpPipeline.install(channel.pipeline(), connection, limit, heartbeat));
  }

  @Override
  public void close() {
    server.close();
  }

  /**
   * The address clients use: {@code tcp://HOST:PORT}, with the port really bound once started (so
   * {@code tcp://127.0.0.1:0} shows the port the system chose).
   */
  @Override
  public String address() {
    return server.address();
  }

  /** The port clients connect to: the bound one once started, else the configured one. */
  public int port() {
    return server.port();
  }

  /** Most clients connected at once. */
  public int maxClients() {
    return server.maxClients();
  }

  /** Largest frame accepted or sent, in bytes. */
  public int maxFrameSize() {
    return server.maxFrameSize();
  }

  /** Whether connections use TLS. */
  public boolean isTls() {
    return server.isTls();
  }

  @Override
  public String toString() {
    return "TcpServerTransport{" + address() + (isTls() ? ", TLS" : "") + "}";
  }

  /**
   * Configures a {@link TcpServerTransport}: setters without {@code set}, the settings of every
   * transport ({@link TransportBuilder}: {@code maxFrameSize}, {@code options}) and those of the
   * network; defaults from {@link TransportOptions#defaults()}, heartbeats every 5 s (dead after 3
   * missed), no TLS.
   *
   * <p>Thread safety: not thread-safe; confine a builder to one thread.
   */
  public static final class Builder extends TransportBuilder<Builder> {
    private final TcpEndpoint endpoint;
    private final NettySettings settings = NettySettings.forServer();

    Builder(TcpEndpoint endpoint) {
      this.endpoint = endpoint;
    }

    @Override
    protected Builder self() {
      return this;
    }

    NettySettings settings() {
      return settings;
    }

    /**
     * Most clients connected at once (at least 1). The next one closes the oldest connection that
     * is not READY ({@link org.witrpc.spi.Connection#allowLargeFrames()} not called) and takes its
     * place, or is refused if every connection is READY. Default 64.
     */
    public Builder maxClients(int maxClients) {
      return options(transportOptions().withMaxClients(maxClients));
    }

    /**
     * Most sockets in their TLS handshake or hello at once (at least 1); they take no client slot,
     * and a socket accepted beyond this closes the one that has waited longest. Default 128.
     */
    public Builder maxHandshakes(int maxHandshakes) {
      settings.maxHandshakes(maxHandshakes);
      return this;
    }

    /**
     * How long a send waits for a client that takes no bytes before that client is disconnected as
     * stalled (at least 1 ms). Default 10 s; see {@link TransportOptions#sendTimeout()}.
     */
    public Builder sendTimeout(Duration sendTimeout) {
      return options(transportOptions().withSendTimeout(sendTimeout));
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
      settings.heartbeat(interval, misses);
      return this;
    }

    /** TLS for every connection, with a server's {@link TlsOptions}. Default: plain TCP. */
    public Builder tls(TlsOptions tls) {
      settings.tls(tls);
      return this;
    }

    /**
     * Allows plain TCP on a non-loopback address (default false: {@code start} refuses it). The
     * traffic can then be read and changed by anyone on the network path; {@code .encryption(true)}
     * on the server and client hides it but does not prove the server's identity to the client, TLS
     * does.
     */
    public Builder insecure(boolean insecure) {
      settings.insecure(insecure);
      return this;
    }

    /**
     * The unstarted server transport.
     *
     * @throws IllegalArgumentException if the TLS files or key store cannot be used
     */
    public TcpServerTransport build() {
      return new TcpServerTransport(endpoint, transportOptions(), settings);
    }
  }
}
