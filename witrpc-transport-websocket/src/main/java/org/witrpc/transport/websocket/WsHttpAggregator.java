package org.witrpc.transport.websocket;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Netty's {@link HttpObjectAggregator} for the server's request before the upgrade, with the
 * refusal of a body above {@link WsPipeline#MAX_HTTP_CONTENT} made like every other refusal of the
 * endpoint: a short plain-text 413 with {@code Connection: close}, then the connection closes at
 * once. (Netty's own answer is an empty 413 that keeps an HTTP/1.1 connection open, so the socket
 * would wait for the opening timeout, holding its place among the handshakes.) A request with an
 * {@code Expect} header other than {@code 100-continue} gets Netty's 417 and the connection closes
 * too (Netty's default would keep it open and ignore the request).
 *
 * <p>Thread safety: used by the channel's event loop only.
 */
final class WsHttpAggregator extends HttpObjectAggregator {

  WsHttpAggregator() {
    super(WsPipeline.MAX_HTTP_CONTENT, true); // an Expect the server cannot meet: 417, then close
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    FullHttpResponse response =
        WsUpgradeHandler.response(
            HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
            "a request body above " + WsPipeline.MAX_HTTP_CONTENT + " bytes");
    if (oversized instanceof HttpRequest request && HttpMethod.HEAD.equals(request.method())) {
      FullHttpResponse headersOnly = response.replace(Unpooled.EMPTY_BUFFER); // as for a GET
      response.release();
      response = headersOnly;
    }
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }
}
