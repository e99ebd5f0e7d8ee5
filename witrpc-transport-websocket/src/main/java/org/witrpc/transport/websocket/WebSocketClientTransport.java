package org.witrpc.transport.websocket;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.witrpc.WitException;
import org.witrpc.WitSecurityException;
import org.witrpc.WitTransportException;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.Connection;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.TransportBuilder;
import org.witrpc.spi.TransportOptions;
import org.witrpc.transport.tcp.TlsOptions;
import org.witrpc.transport.tcp.internal.EventLoops;
import org.witrpc.transport.tcp.internal.FrameLimit;
import org.witrpc.transport.tcp.internal.Heartbeat;
import org.witrpc.transport.tcp.internal.NettyChannels;
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
    long timeoutNanos = saturatedNanos(timeout);
    long id = CONNECTION_IDS.incrementAndGet();
    CompletableFuture<NettyConnection> result = new CompletableFuture<>();
    WsClientHandshaker handshaker =
        new WsClientHandshaker(URI.create(endpoint.address()), maxFrameSize);
    EventLoops.Lease lease = EventLoops.acquire();
    ChannelFuture connecting;
    try {
      connecting =
          new Bootstrap()
              .group(lease.group())
              .channel(EventLoops.socketChannelType())
              .option(
                  ChannelOption.CONNECT_TIMEOUT_MILLIS,
                  (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())))
              .handler(
                  new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                      NettyChannels.configure(channel);
                      if (sslContext != null) {
                        channel
                            .pipeline()
                            .addLast(
                                "tls",
                                SslContexts.newHandler(
                                    sslContext, channel.alloc(), endpoint.host(), endpoint.port()));
                      }
                      channel
                          .pipeline()
                          .addLast(
                              "http",
                              new HttpClientCodec(
                                  WsPipeline.MAX_INITIAL_LINE,
                                  WsPipeline.MAX_HEADERS,
                                  WsPipeline.MAX_HEADERS))
                          .addLast(
                              "http-aggregator",
                              new HttpObjectAggregator(WsPipeline.MAX_HTTP_CONTENT))
                          .addLast(
                              "upgrade",
                              new WsClientUpgradeHandler(
                                  endpoint.address(),
                                  sslContext != null,
                                  handshaker,
                                  result,
                                  (ctx, response) ->
                                      upgraded(ctx, response, handshaker, id, listener)));
                    }
                  })
              .connect(endpoint.host(), endpoint.port());
    } catch (RuntimeException e) {
      lease.close();
      throw new WitTransportException("cannot connect to " + endpoint + ": " + e, e);
    }
    Channel channel = connecting.channel();
    channel.closeFuture().addListener(f -> lease.close());
    connecting.addListener(
        f -> {
          if (!f.isSuccess()) {
            result.completeExceptionally(
                new WitTransportException(
                    "cannot connect to "
                        + endpoint
                        + ": "
                        + f.cause().getMessage()
                        + " (is a server listening there?)",
                    f.cause()));
            channel.close();
          }
        });
    try {
      return result.get(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      result.completeExceptionally(
          new WitTransportException("cannot connect to " + endpoint + ": timed out"));
      channel.close();
      throw new WitTransportException(
          "cannot connect to "
              + endpoint
              + ": the server did not answer the WebSocket upgrade within "
              + timeout
              + (sslContext == null ? " (a TLS server waits for a TLS client: wss://)" : ""));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result.completeExceptionally(new WitTransportException("interrupted"));
      channel.close();
      throw new WitTransportException("interrupted while connecting to " + endpoint, e);
    } catch (ExecutionException e) {
      channel.close();
      Throwable cause = e.getCause();
      if (cause instanceof WitSecurityException) {
        // a fresh exception, so the stack shows this caller, with the event loop's as its cause
        throw new WitSecurityException(cause.getMessage(), cause);
      }
      if (cause instanceof WitException) {
        throw new WitTransportException(cause.getMessage(), cause);
      }
      throw new WitTransportException("cannot connect to " + endpoint + ": " + cause, cause);
    }
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

  private static long saturatedNanos(Duration timeout) {
    try {
      return timeout.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 2;
    }
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
