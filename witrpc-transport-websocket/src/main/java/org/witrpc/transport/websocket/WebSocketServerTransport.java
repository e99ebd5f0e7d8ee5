package org.witrpc.transport.websocket;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseEncoder;
import java.time.Duration;
import org.witrpc.WitTransportException;
import org.witrpc.internal.WarningThrottle;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.TransportBuilder;
import org.witrpc.spi.TransportOptions;
import org.witrpc.transport.tcp.TlsOptions;
import org.witrpc.transport.tcp.internal.Heartbeat;
import org.witrpc.transport.tcp.internal.NettyServer;
import org.witrpc.transport.tcp.internal.NettySettings;

/**
 * The listening side of {@code ws://} and {@code wss://}: an HTTP/1.1 server socket on the shared
 * Netty I/O threads that upgrades WebSocket requests for its path and admits up to {@code
 * maxClients} clients; each admitted connection delivers its frames on a thread of its own. Created
 * with {@link WebSocketTransport#server(String, int, String)}; nothing is allocated before {@link
 * #start}.
 *
 * <p>Security: with {@link Builder#tls(TlsOptions)} ({@code wss://}) every connection is TLS 1.3 or
 * 1.2. Without TLS the server listens only on a loopback address unless {@link
 * Builder#insecure(boolean)} says plain WebSocket is wanted elsewhere (for example behind a
 * TLS-terminating reverse proxy on the same host), which logs a warning. Sockets that have not sent
 * their upgrade request take no client slot: at most {@link Builder#maxHandshakes(int)} of them
 * wait at once, and a new one closes the one that waited longest.
 *
 * <p>Thread safety: {@code start}, {@code close} and the getters may be called from any thread; the
 * acceptor is called from an I/O thread, one call at a time, never while a lock of the transport is
 * held.
 */
public final class WebSocketServerTransport implements ServerTransport {

  private static final NettyServer.Labels LABELS =
      new NettyServer.Labels(
          "plain WebSocket", "WebSocketTransport.server(...).insecure(true)", "witrpc-ws-read-");

  private final WsEndpoint endpoint;
  private final Heartbeat heartbeat;
  private final Server server;

  private WebSocketServerTransport(
      WsEndpoint endpoint, TransportOptions options, NettySettings settings) {
    this.endpoint = endpoint.secure(settings.isTls());
    this.heartbeat = settings.heartbeat();
    this.server = new Server(options, settings);
  }

  /** The shared server machinery with the address form and the HTTP upgrade of WebSocket. */
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
      channel
          .pipeline()
          .addLast("http-decoder", new WsRequestDecoder())
          .addLast("http-encoder", new HttpResponseEncoder())
          .addLast("http-aggregator", new WsHttpAggregator())
          .addLast("upgrade", new WsUpgradeHandler(WebSocketServerTransport.this));
    }
  }

  @Override
  public void start(Acceptor acceptor) {
    server.start(acceptor);
  }

  /** The server's warnings about peers that have not completed a valid upgrade. */
  WarningThrottle warnings() {
    return server.warnings();
  }

  /** Takes a client slot for {@code channel} (before its upgrade); false if all are taken. */
  boolean admit(Channel channel) {
    return server.admit(channel);
  }

  /**
   * Answers the upgrade request of an admitted channel, makes its connection and hands it to the
   * acceptor (event loop).
   */
  void upgrade(Channel channel, FullHttpRequest request) {
    server.open(
        channel,
        WsFormat.INSTANCE,
        (connection, limit) -> {
          WsCloseHandler closer = new WsCloseHandler();
          WsFrameDecoder decoder = new WsFrameDecoder(connection, limit, true, closer);
          decoder.holdUntilOpened();
          ChannelFuture answered =
              new WsServerHandshaker(address(), maxFrameSize(), decoder)
                  .handshake(channel, request);
          WsPipeline.install(channel.pipeline(), decoder, closer, connection, heartbeat);
          // Frames the client sent right behind its request (held by the decoder until now) are
          // read once the 101 is on its way and the connection has its listener: in a task of the
          // event loop, which runs after this whole opening (the acceptor included) has returned.
          answered.addListener(
              f -> {
                if (f.isSuccess()) {
                  channel
                      .eventLoop()
                      .execute(() -> decoder.open(channel.pipeline().context(decoder)));
                } else {
                  connection.fail(
                      new WitTransportException(
                          connection + ": the WebSocket upgrade failed: " + f.cause(), f.cause()));
                }
              });
        });
  }

  @Override
  public void close() {
    server.close();
  }

  /**
   * The address clients use: {@code ws://HOST:PORT/PATH} (or {@code wss://}), with the port really
   * bound once started (so {@code ws://127.0.0.1:0/calc} shows the port the system chose).
   */
  @Override
  public String address() {
    return server.address();
  }

  /** The port clients connect to: the bound one once started, else the configured one. */
  public int port() {
    return server.port();
  }

  /** The HTTP path of the endpoint, for example {@code /calc}. */
  public String path() {
    return endpoint.path();
  }

  /** The path with its percent-encoding decoded, which requests' decoded paths must equal. */
  String decodedPath() {
    return endpoint.decodedPath();
  }

  /** Most clients connected at once. */
  public int maxClients() {
    return server.maxClients();
  }

  /** Largest frame accepted or sent, in bytes. */
  public int maxFrameSize() {
    return server.maxFrameSize();
  }

  /** Whether connections use TLS ({@code wss://}). */
  public boolean isTls() {
    return server.isTls();
  }

  @Override
  public String toString() {
    return "WebSocketServerTransport{" + address() + "}";
  }

  /**
   * Configures a {@link WebSocketServerTransport}: setters without {@code set}, the settings of
   * every transport ({@link TransportBuilder}: {@code maxFrameSize}, the size of one WebSocket
   * message, and {@code options}) and those of the network; defaults from {@link
   * TransportOptions#defaults()}, heartbeats every 5 s (dead after 3 missed), no TLS.
   *
   * <p>Thread safety: not thread-safe; confine a builder to one thread.
   */
  public static final class Builder extends TransportBuilder<Builder> {
    private final WsEndpoint endpoint;
    private final NettySettings settings = NettySettings.forServer();

    Builder(WsEndpoint endpoint) {
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
     * place, or gets HTTP 503 if every connection is READY. Default 64.
     */
    public Builder maxClients(int maxClients) {
      return options(transportOptions().withMaxClients(maxClients));
    }

    /**
     * Most sockets in their TLS handshake or upgrade at once (at least 1); they take no client
     * slot, and a socket accepted beyond this closes the one that has waited longest. Default 128.
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
     * Heartbeats: a WebSocket ping after {@code interval} without sending; a client not heard from
     * for {@code misses} intervals is taken for dead and disconnected. Default 5 s and 3; an
     * interval of {@link Duration#ZERO} turns them off.
     *
     * @throws IllegalArgumentException if the interval is negative or under 10 ms, or misses below
     *     1
     */
    public Builder heartbeat(Duration interval, int misses) {
      settings.heartbeat(interval, misses);
      return this;
    }

    /** TLS for every connection ({@code wss://}), with a server's {@link TlsOptions}. */
    public Builder tls(TlsOptions tls) {
      settings.tls(tls);
      return this;
    }

    /**
     * Allows plain {@code ws://} on a non-loopback address (default false: {@code start} refuses
     * it). The traffic can then be read and changed by anyone on the network path.
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
    public WebSocketServerTransport build() {
      return new WebSocketServerTransport(endpoint, transportOptions(), settings);
    }
  }
}
