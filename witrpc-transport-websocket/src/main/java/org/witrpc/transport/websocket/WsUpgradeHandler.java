package org.witrpc.transport.websocket;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.transport.tcp.internal.NettyChannels;
import org.witrpc.transport.tcp.internal.TlsFailures;

/**
 * The server's HTTP handler before the upgrade (after TLS, when on): a WebSocket upgrade request
 * ({@code GET}, {@code Upgrade: websocket}, version 13) for the server's path is admitted and
 * handed to the server, which answers 101 and puts the WebSocket handlers in place. Anything else
 * gets a short plain-text answer and the connection closes: 400 for a malformed request, 404 for
 * another path, 405 for another method, 426 (Upgrade Required) for a plain HTTP request or another
 * WebSocket version, 503 when the server has its maximum of clients. A client that completes no
 * request within {@link NettyChannels#OPENING_TIMEOUT_MILLIS} (TLS included) is dropped. The path
 * is taken from the request target in its origin form ({@code /calc}) or its absolute form ({@code
 * http://host:7000/calc}, RFC 7230 5.3.2); a malformed absolute target gets 400.
 *
 * <p>An upgrade that carries an {@code Origin} header is refused with 403: browsers send one,
 * witrpc clients do not, and without this check any web page the user opens could reach a server on
 * loopback (cross-site WebSocket hijacking, DNS rebinding). The {@code Host} header is not checked,
 * since a reverse proxy may rewrite it; authentication is TLS and witrpc's own token.
 *
 * <p>Thread safety: used by the channel's event loop only.
 */
final class WsUpgradeHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  private static final Logger log = LoggerFactory.getLogger(WsUpgradeHandler.class);

  /** The start of an absolute-form request target: a URI scheme and a colon (RFC 3986 3.1). */
  private static final Pattern ABSOLUTE_TARGET = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:");

  private final WebSocketServerTransport server;
  private ScheduledFuture<?> timeout;
  private boolean done;
  private boolean headRequest; // a HEAD request's answer has headers only

  WsUpgradeHandler(WebSocketServerTransport server) {
    this.server = server;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    timeout =
        ctx.executor()
            .schedule(
                () -> {
                  if (!done) {
                    done = true;
                    log.debug(
                        "{}: {} sent no upgrade request within {} ms; dropping it",
                        server,
                        ctx.channel().remoteAddress(),
                        NettyChannels.OPENING_TIMEOUT_MILLIS);
                    ctx.close();
                  }
                },
                NettyChannels.OPENING_TIMEOUT_MILLIS,
                TimeUnit.MILLISECONDS);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    timeout.cancel(false);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (done) {
      return;
    }
    done = true;
    headRequest = HttpMethod.HEAD.equals(request.method());
    if (!request.decoderResult().isSuccess()) {
      refuse(ctx, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request");
      return;
    }
    String rawPath;
    try {
      rawPath = rawPath(request.uri());
    } catch (URISyntaxException e) {
      refuse(ctx, HttpResponseStatus.BAD_REQUEST, "malformed request target: " + e.getReason());
      return;
    }
    String path;
    try {
      // decoded on both sides: the same path may come encoded otherwise (%C3%A9, %c3%a9)
      path = WsEndpoint.decode(rawPath);
    } catch (IllegalArgumentException e) {
      refuse(ctx, HttpResponseStatus.BAD_REQUEST, "malformed percent-encoding in the path");
      return;
    }
    if (!path.equals(server.decodedPath())) {
      refuse(ctx, HttpResponseStatus.NOT_FOUND, "no witrpc endpoint at this path");
      return;
    }
    if (!HttpMethod.GET.equals(request.method())) {
      FullHttpResponse response =
          response(HttpResponseStatus.METHOD_NOT_ALLOWED, "a witrpc endpoint takes GET only");
      response.headers().set(HttpHeaderNames.ALLOW, HttpMethod.GET.name());
      send(ctx, response);
      return;
    }
    if (!request.headers().contains(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
        || !request
            .headers()
            .containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)) {
      upgradeRequired(ctx, "this is a witrpc WebSocket endpoint: connect with a WebSocket client");
      return;
    }
    if (!"13".equals(request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))
        || !request.headers().contains(HttpHeaderNames.SEC_WEBSOCKET_KEY)) {
      upgradeRequired(ctx, "WebSocket version 13 (RFC 6455) with a Sec-WebSocket-Key only");
      return;
    }
    if (request.headers().contains(HttpHeaderNames.ORIGIN)) {
      refuse(
          ctx,
          HttpResponseStatus.FORBIDDEN,
          "browser origins are refused: this endpoint serves witrpc clients only");
      return;
    }
    if (!server.admit(ctx.channel())) {
      refuse(
          ctx,
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          "the server has its maximum of " + server.maxClients() + " clients");
      return;
    }
    server.upgrade(ctx.channel(), request);
    ctx.pipeline().remove(this);
  }

  /**
   * The raw path of a request target: of the origin form ({@code /calc?x=1}) or of the absolute
   * form ({@code http://host:7000/calc}), which a server must accept too (RFC 7230 5.3.2) and
   * proxies send. Any other form (the asterisk {@code *}, a bare name) is returned as it is, so
   * that it matches no path.
   *
   * @throws URISyntaxException if an absolute target is malformed, has no host or another scheme
   *     than http, https, ws or wss
   */
  static String rawPath(String target) throws URISyntaxException {
    if (target.startsWith("/") || !ABSOLUTE_TARGET.matcher(target).lookingAt()) {
      return new QueryStringDecoder(target).rawPath();
    }
    URI uri = new URI(target);
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http")
        && !scheme.equals("https")
        && !scheme.equals("ws")
        && !scheme.equals("wss")) {
      throw new URISyntaxException(target, "not an http, https, ws or wss URI");
    }
    if (uri.isOpaque() || uri.getRawAuthority() == null) {
      throw new URISyntaxException(target, "no host");
    }
    String path = uri.getRawPath();
    return path == null || path.isEmpty() ? "/" : path;
  }

  private void upgradeRequired(ChannelHandlerContext ctx, String text) {
    FullHttpResponse response = response(HttpResponseStatus.UPGRADE_REQUIRED, text);
    response.headers().set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
    response.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
    send(ctx, response);
  }

  private void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String text) {
    log.debug("{}: answering {} with {}", server, ctx.channel().remoteAddress(), status);
    send(ctx, response(status, text));
  }

  /** A short plain-text answer that closes the connection ({@code Connection: close}). */
  static FullHttpResponse response(HttpResponseStatus status, String text) {
    byte[] body =
        (status.code() + " " + status.reasonPhrase() + ": " + text + "\n")
            .getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return response;
  }

  private void send(ChannelHandlerContext ctx, FullHttpResponse response) {
    FullHttpResponse answer = response;
    if (headRequest) {
      answer = response.replace(Unpooled.EMPTY_BUFFER); // Content-Length still says what GET gets
      response.release();
    }
    ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!done) {
      done = true;
      TlsFailures.logServerSide(
          log, server.warnings(), server, ctx.channel(), cause, "a plain ws:// client");
    }
    ctx.close();
  }
}
