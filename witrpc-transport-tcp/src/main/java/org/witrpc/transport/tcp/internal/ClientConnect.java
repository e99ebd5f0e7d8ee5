package org.witrpc.transport.tcp.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import org.witrpc.WitException;
import org.witrpc.WitSecurityException;
import org.witrpc.WitTransportException;
import org.witrpc.internal.Durations;

/**
 * The connect of {@code tcp://} and {@code ws://} clients: opens a socket on the shared I/O threads
 * ({@link EventLoops}) with witrpc's socket settings ({@link NettyChannels}) and, with an {@link
 * SslContext}, a TLS handler that checks the server's name, and waits, up to the timeout, for the
 * transport's own handshake handlers to complete the connection.
 *
 * <p>The connect holds its lease on the I/O threads until it returns: on success the lease passes
 * to the channel (released when it closes), on failure it is released after the channel is closed.
 * So the threads that must report a refused or failed connect are never shut down before they have
 * reported it, however soon the socket fails.
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
public final class ClientConnect {

  private ClientConnect() {}

  /**
   * Connects to {@code host:port}.
   *
   * @param endpoint the address for error messages
   * @param sslContext the client's TLS context, or null for a plain socket
   * @param handshake adds the transport's handlers behind TLS, given the future that they complete
   *     with the connection or fail
   * @param unanswered the message when no connection is made within the timeout
   * @throws WitTransportException if the socket cannot be opened, the handshake fails or times out,
   *     or the thread is interrupted ({@link WitSecurityException} where the server or its
   *     certificate is refused)
   */
  public static NettyConnection connect(
      String endpoint,
      String host,
      int port,
      SslContext sslContext,
      Duration timeout,
      BiConsumer<ChannelPipeline, CompletableFuture<NettyConnection>> handshake,
      String unanswered) {
    Duration bounded = Durations.capped(timeout);
    CompletableFuture<NettyConnection> result = new CompletableFuture<>();
    EventLoops.Lease lease = EventLoops.acquire();
    Channel channel = null;
    boolean handedOver = false;
    try {
      ChannelFuture connecting =
          new Bootstrap()
              .group(lease.group())
              .channel(EventLoops.socketChannelType())
              .option(
                  ChannelOption.CONNECT_TIMEOUT_MILLIS,
                  (int) Math.max(1, Math.min(Integer.MAX_VALUE, bounded.toMillis())))
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
                                SslContexts.newHandler(sslContext, channel.alloc(), host, port));
                      }
                      handshake.accept(channel.pipeline(), result);
                    }
                  })
              .connect(host, port);
      channel = connecting.channel();
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
            }
          });
      NettyConnection connection = result.get(bounded.toNanos(), TimeUnit.NANOSECONDS);
      channel.closeFuture().addListener(f -> lease.close());
      handedOver = true;
      return connection;
    } catch (TimeoutException e) {
      result.completeExceptionally(new WitTransportException("cannot connect: timed out"));
      throw new WitTransportException("cannot connect to " + endpoint + ": " + unanswered);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result.completeExceptionally(new WitTransportException("interrupted"));
      throw new WitTransportException("interrupted while connecting to " + endpoint, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      // a fresh exception, so the stack shows this caller, with the event loop's as its cause
      if (cause instanceof WitSecurityException) {
        throw new WitSecurityException(cause.getMessage(), cause);
      }
      if (cause instanceof WitException) {
        throw new WitTransportException(cause.getMessage(), cause);
      }
      throw new WitTransportException("cannot connect to " + endpoint + ": " + cause, cause);
    } catch (RuntimeException e) {
      throw new WitTransportException("cannot connect to " + endpoint + ": " + e, e);
    } finally {
      if (!handedOver) {
        if (channel != null) {
          channel.close();
        }
        lease.close();
      }
    }
  }
}
