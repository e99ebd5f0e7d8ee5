package org.witrpc.transport.tcp;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.witrpc.WitException;
import org.witrpc.WitTransportException;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.Connection;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.TransportBuilder;
import org.witrpc.spi.TransportOptions;
import org.witrpc.transport.tcp.internal.EventLoops;
import org.witrpc.transport.tcp.internal.FrameLimit;
import org.witrpc.transport.tcp.internal.Heartbeat;
import org.witrpc.transport.tcp.internal.NettyChannels;
import org.witrpc.transport.tcp.internal.NettyConnection;
import org.witrpc.transport.tcp.internal.NettySettings;
import org.witrpc.transport.tcp.internal.SslContexts;

/**
 * The connecting side of {@code tcp://}. Holds no resources: every {@link #connect} opens a socket
 * on the shared I/O threads ({@link EventLoops}, held while the connection is open), does the TLS
 * handshake when configured, says hello and waits (up to the timeout) for the server's answer.
 * Created with {@link TcpTransport#client(String, int)}.
 *
 * <p>With TLS the client checks the server's certificate against its trust (the JDK's default
 * unless given) and, by default, that it names the host connected to.
 *
 * <p>Thread safety: immutable; {@code connect} may be called from any number of threads.
 */
public final class TcpClientTransport implements ClientTransport {

  private static final AtomicLong CONNECTION_IDS = new AtomicLong();

  private final TcpEndpoint endpoint;
  private final int maxFrameSize;
  private final Duration sendTimeout;
  private final Heartbeat heartbeat;
  private final SslContext sslContext;

  private TcpClientTransport(
      TcpEndpoint endpoint, TransportOptions options, NettySettings settings) {
    this.endpoint = endpoint;
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
                              "hello",
                              new ClientHelloHandler(
                                  endpoint.address(),
                                  sslContext != null,
                                  result,
                                  ctx -> accepted(ctx, id, listener)));
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
              + ": the server did not answer within "
              + timeout
              + (sslContext == null ? " (a TLS server waits for a TLS client: tls=true)" : ""));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result.completeExceptionally(new WitTransportException("interrupted"));
      channel.close();
      throw new WitTransportException("interrupted while connecting to " + endpoint, e);
    } catch (ExecutionException e) {
      channel.close();
      Throwable cause = e.getCause();
      if (cause instanceof WitException) {
        // a fresh exception, so the stack shows this caller, with the event loop's as its cause
        throw rethrow((WitException) cause);
      }
      throw new WitTransportException("cannot connect to " + endpoint + ": " + cause, cause);
    }
  }

  private static WitException rethrow(WitException failure) {
    if (failure instanceof org.witrpc.WitSecurityException) {
      return new org.witrpc.WitSecurityException(failure.getMessage(), failure);
    }
    return new WitTransportException(failure.getMessage(), failure);
  }

  /** The connection of a channel the server accepted (event loop). */
  private NettyConnection accepted(ChannelHandlerContext ctx, long id, FrameListener listener) {
    Channel channel = ctx.channel();
    FrameLimit limit = new FrameLimit(maxFrameSize);
    NettyConnection connection =
        new NettyConnection(
            channel,
            endpoint + "#client-" + id,
            maxFrameSize,
            sendTimeout,
            TcpFormat.INSTANCE,
            limit,
            c -> {});
    connection.peerPrincipal(SslContexts.peerPrincipal(channel.pipeline()));
    TcpPipeline.install(channel.pipeline(), connection, limit, heartbeat);
    connection.start(listener, "witrpc-tcp-client-" + endpoint.port() + "#" + id);
    return connection;
  }

  @Override
  public String address() {
    return endpoint.address();
  }

  /** Whether connections use TLS. */
  public boolean isTls() {
    return sslContext != null;
  }

  @Override
  public String toString() {
    return "TcpClientTransport{" + endpoint + (sslContext != null ? ", TLS" : "") + "}";
  }

  private static long saturatedNanos(Duration timeout) {
    try {
      return timeout.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 2;
    }
  }

  /**
   * Configures a {@link TcpClientTransport}: setters without {@code set}, the settings of every
   * transport ({@link TransportBuilder}: {@code maxFrameSize}, {@code options}, of which a client
   * takes the frame size and the send timeout) and those of the network; defaults: 256 MiB frames,
   * a 10 s send timeout, heartbeats every 5 s (dead after 3 missed), no TLS.
   *
   * <p>Thread safety: not thread-safe; confine a builder to one thread.
   */
  public static final class Builder extends TransportBuilder<Builder> {
    private final TcpEndpoint endpoint;
    private final NettySettings settings = NettySettings.forClient();

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
     * How long a send waits for a server that takes no bytes before the connection is closed as
     * stalled (at least 1 ms). Default 10 s; see {@link TransportOptions#sendTimeout()}.
     */
    public Builder sendTimeout(Duration sendTimeout) {
      return options(transportOptions().withSendTimeout(sendTimeout));
    }

    /**
     * Heartbeats: a ping after {@code interval} without sending; a server not heard from for {@code
     * misses} intervals is taken for dead (the connection fails, and the client's reconnect policy
     * takes over). Default 5 s and 3; {@link Duration#ZERO} turns them off.
     *
     * @throws IllegalArgumentException if the interval is negative or under 10 ms, or misses below
     *     1
     */
    public Builder heartbeat(Duration interval, int misses) {
      settings.heartbeat(interval, misses);
      return this;
    }

    /** TLS with a client's {@link TlsOptions} ({@link TlsOptions#client()}). Default: plain TCP. */
    public Builder tls(TlsOptions tls) {
      settings.tls(tls);
      return this;
    }

    /**
     * The client transport.
     *
     * @throws IllegalArgumentException if the TLS files or key store cannot be used
     */
    public TcpClientTransport build() {
      return new TcpClientTransport(endpoint, transportOptions(), settings);
    }
  }
}
