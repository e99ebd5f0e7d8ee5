package org.witrpc.transport.websocket;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import javax.net.ssl.SSLException;
import org.witrpc.WitException;
import org.witrpc.WitTransportException;
import org.witrpc.transport.tcp.internal.NettyConnection;
import org.witrpc.transport.tcp.internal.TlsFailures;

/**
 * The client's HTTP handler (after TLS, when on): sends the upgrade request when the channel is
 * active (after the TLS handshake) and reads the answer. 101 with the right {@code
 * Sec-WebSocket-Accept}: {@code onUpgraded} finishes the handshake and makes the connection, which
 * completes {@code result}; any other answer (404, 426, 503 ...), a failed TLS handshake or an
 * early end fails it with an error that names the cause (the server's text included).
 *
 * <p>Thread safety: used by the channel's event loop only.
 */
final class WsClientUpgradeHandler extends SimpleChannelInboundHandler<FullHttpResponse> {

  private static final int MAX_BODY_IN_ERROR = 200;

  private final String address;
  private final boolean tls;
  private final WsClientHandshaker handshaker;
  private final CompletableFuture<NettyConnection> result;
  private final BiFunction<ChannelHandlerContext, FullHttpResponse, NettyConnection> onUpgraded;

  WsClientUpgradeHandler(
      String address,
      boolean tls,
      WsClientHandshaker handshaker,
      CompletableFuture<NettyConnection> result,
      BiFunction<ChannelHandlerContext, FullHttpResponse, NettyConnection> onUpgraded) {
    this.address = address;
    this.tls = tls;
    this.handshaker = handshaker;
    this.result = result;
    this.onUpgraded = onUpgraded;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    // with TLS, SslHandler holds the request back until the handshake is done
    handshaker.handshake(ctx.channel());
    ctx.fireChannelActive();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
    if (result.isDone()) {
      return;
    }
    if (!HttpResponseStatus.SWITCHING_PROTOCOLS.equals(response.status())) {
      String body = response.content().toString(StandardCharsets.UTF_8).strip();
      if (body.length() > MAX_BODY_IN_ERROR) {
        body = body.substring(0, MAX_BODY_IN_ERROR) + "...";
      }
      fail(
          ctx,
          new WitTransportException(
              "server "
                  + address
                  + " refused the WebSocket upgrade: HTTP "
                  + response.status()
                  + (body.isEmpty() ? "" : ": " + body)));
      return;
    }
    NettyConnection connection;
    try {
      connection = onUpgraded.apply(ctx, response);
    } catch (WebSocketHandshakeException e) {
      fail(
          ctx,
          new WitTransportException(
              "server " + address + " answered an invalid WebSocket upgrade: " + e.getMessage(),
              e));
      return;
    }
    ctx.pipeline().remove(this);
    if (!result.complete(connection)) {
      connection.fail(new WitTransportException(address + ": connect gave up meanwhile"));
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof SslHandshakeCompletionEvent
        && !((SslHandshakeCompletionEvent) event).isSuccess()) {
      fail(ctx, tlsFailure(((SslHandshakeCompletionEvent) event).cause()));
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    SSLException ssl = TlsFailures.sslCause(cause);
    fail(
        ctx,
        ssl != null
            ? tlsFailure(ssl)
            : new WitTransportException(
                "cannot connect to " + address + ": " + cause.getMessage(), cause));
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    fail(
        ctx,
        new WitTransportException(
            "server "
                + address
                + " closed the connection before the WebSocket upgrade"
                + (tls
                    ? " (did it refuse this client's certificate, or is it a plain ws:// server?)"
                    : " (is it a TLS server? then connect with wss:// and its trust)")));
    super.channelInactive(ctx);
  }

  private WitException tlsFailure(Throwable cause) {
    return TlsFailures.clientFailure(address, cause, "a plain ws:// server");
  }

  private void fail(ChannelHandlerContext ctx, WitException failure) {
    if (result.completeExceptionally(failure)) {
      ctx.close();
    }
  }
}
