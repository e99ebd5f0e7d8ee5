package org.witrpc.transport.websocket;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.Connection;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.TransportBuilder;
import org.witrpc.spi.TransportOptions;
import org.witrpc.transport.tcp.TlsOptions;
import org.witrpc.transport.tcp.internal.ClientConnect;
import org.witrpc.transport.tcp.internal.FrameLimit;
import org.witrpc.transport.tcp.internal.Heartbeat;
import org.witrpc.transport.tcp.internal.NettyConnection;
import org.witrpc.transport.tcp.internal.NettySettings;
import org.witrpc.transport.tcp.internal.SslContexts;

/**
 * The connecting side of {@code ws://} and {@code wss://}. Holds no resources: every {@link
 * #connect} opens a socket on the shared Netty I/O threads (held while the connection is open),
 * does the TLS handshake for {@code wss://}, sends the HTTP upgrade request for the path and waits
 * (up to the timeout) for the server's 101. Created with {@link WebSocketTransport#client(String,
 * int, String)}.
 *
 * <p>With TLS the client checks the server's certificate against its trust (the JDK's default
 * unless given) and, by default, that it names the host connected to.
 *
 * <p>Thread safety: immutable; {@code connect} may be called from any number of threads.
 */
public final class WebSocketClientTransport implements ClientTransport {

  private static final AtomicLong CONNECTION_IDS = new AtomicLong();

  private final WsEndpoint endpoint;
  private final int maxFrameSize;
  private final Duration sendTimeout;
  private final Heartbeat heartbeat;
  private final SslContext sslContext;

  private WebSocketClientTransport(
      WsEndpoint endpoint, TransportOptions options, NettySettings settings) {
    this.endpoint = endpoint.secure(settings.isTls());
    this.maxFrameSize = options.maxFrameSize();
    this.sendTimeout = options.sendTimeout();
    this.heartbeat = settings.heartbeat();
    this.sslContext = settings.sslContext();
  }

  @Override
  public Connection connect(FrameListener listener, Duration timeout) {
    Objects.requireNonNull(listener, "listener == null");
    Objects.requireNonNull(timeout, "timeout == null");
    long id = CONNECTION_IDS.incrementAndGet();
    WsClientHandshaker handshaker = new WsClientHandshaker(endpoint, maxFrameSize);
    return ClientConnect.connect(
        endpoint.toString(),
        endpoint.host(),
        endpoint.port(),
        sslContext,
        timeout,
        (pipeline, result) ->
            pipeline
                .addLast(
                    "http",
                    new HttpClientCodec(
                        WsPipeline.MAX_INITIAL_LINE,
                        WsPipeline.MAX_HEADERS,
                        WsPipeline.MAX_HEADERS))
                .addLast("http-aggregator", new HttpObjectAggregator(WsPipeline.MAX_HTTP_CONTENT))
                .addLast(
                    "upgrade",
                    new WsClientUpgradeHandler(
                        endpoint.address(),
                        sslContext != null,
                        handshaker,
                        result,
                        (ctx, response) -> upgraded(ctx, response, handshaker, id, listener))),
        "the server did not answer the WebSocket upgrade within "
            + timeout
            + (sslContext == null ? " (a TLS server waits for a TLS client: wss://)" : ""));
  }

  /** Finishes the handshake the server accepted and makes the connection (event loop). */
  private NettyConnection upgraded(
      ChannelHandlerContext ctx,
      FullHttpResponse response,
      WsClientHandshaker handshaker,
      long id,
      FrameListener listener) {
    Channel channel = ctx.channel();
    FrameLimit limit = new FrameLimit(maxFrameSize);
    NettyConnection connection =
        new NettyConnection(
            channel,
            endpoint + "#client-" + id,
            maxFrameSize,
            sendTimeout,
            WsFormat.INSTANCE,
            limit,
            c -> {});
    connection.peerPrincipal(SslContexts.peerPrincipal(channel.pipeline()));
    WsCloseHandler closer = new WsCloseHandler();
    WsFrameDecoder decoder = new WsFrameDecoder(connection, limit, false, closer);
    handshaker.decoder(decoder);
    handshaker.finishHandshake(channel, response);
    WsPipeline.install(channel.pipeline(), decoder, closer, connection, heartbeat);
    connection.start(listener, "witrpc-ws-client-" + endpoint.port() + "#" + id);
    return connection;
  }

  @Override
  public String address() {
    return endpoint.address();
  }

  /** Whether connections use TLS ({@code wss://}). */
  public boolean isTls() {
    return sslContext != null;
  }

  @Override
  public String toString() {
    return "WebSocketClientTransport{" + endpoint + "}";
  }

  /**
   * Configures a {@link WebSocketClientTransport}: setters without {@code set}, the settings of
   * every transport ({@link TransportBuilder}: {@code maxFrameSize}, {@code options}, of which a
   * client takes the frame size and the send timeout) and those of the network; defaults: 256 MiB
   * frames, a 10 s send timeout, heartbeats every 5 s (dead after 3 missed), no TLS.
   *
   * <p>Thread safety: not thread-safe; confine a builder to one thread.
   */
  public static final class Builder extends TransportBuilder<Builder> {
    private final WsEndpoint endpoint;
    private final NettySettings settings = NettySettings.forClient();

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
     * How long a send waits for a server that takes no bytes before the connection is closed as
     * stalled (at least 1 ms). Default 10 s; see {@link TransportOptions#sendTimeout()}.
     */
    public Builder sendTimeout(Duration sendTimeout) {
      return options(transportOptions().withSendTimeout(sendTimeout));
    }

    /**
     * Heartbeats: a WebSocket ping after {@code interval} without sending; a server not heard from
     * for {@code misses} intervals is taken for dead (the connection fails, and the client's
     * reconnect policy takes over). Default 5 s and 3; {@link Duration#ZERO} turns them off.
     *
     * @throws IllegalArgumentException if the interval is negative or under 10 ms, or misses below
     *     1
     */
    public Builder heartbeat(Duration interval, int misses) {
      settings.heartbeat(interval, misses);
      return this;
    }

    /** TLS ({@code wss://}) with a client's {@link TlsOptions} ({@link TlsOptions#client()}). */
    public Builder tls(TlsOptions tls) {
      settings.tls(tls);
      return this;
    }

    /**
     * The client transport.
     *
     * @throws IllegalArgumentException if the TLS files or key store cannot be used
     */
    public WebSocketClientTransport build() {
      return new WebSocketClientTransport(endpoint, transportOptions(), settings);
    }
  }
}
