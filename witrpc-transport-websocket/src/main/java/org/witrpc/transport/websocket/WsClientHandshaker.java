package org.witrpc.transport.websocket;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker13;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.URI;

/**
 * Netty's RFC 6455 client handshake (the upgrade request with a random {@code Sec-WebSocket-Key},
 * the check of the server's {@code Sec-WebSocket-Accept}, masked frames out), with witrpc's own
 * frame decoder in place of Netty's, given just before {@link #finishHandshake}, and the {@code
 * Host} header written by {@link WsEndpoint#hostHeader()}.
 *
 * <p>Thread safety: used by one channel's event loop.
 */
final class WsClientHandshaker extends WebSocketClientHandshaker13 {

  private WsFrameDecoder decoder;

  WsClientHandshaker(WsEndpoint endpoint, int maxFrameSize) {
    super(
        URI.create(endpoint.address()),
        WebSocketVersion.V13,
        null,
        false,
        headers(endpoint),
        maxFrameSize,
        true,
        false,
        -1);
  }

  /**
   * The headers Netty would otherwise make from the URI, which fails for a host name with '_' (then
   * java.net.URI has no host): {@code Host} from the endpoint, and an {@code Origin} that {@link
   * #newHandshakeRequest} removes.
   */
  private static HttpHeaders headers(WsEndpoint endpoint) {
    return new DefaultHttpHeaders()
        .set(HttpHeaderNames.HOST, endpoint.hostHeader())
        .set(HttpHeaderNames.ORIGIN, "null");
  }

  /** Netty's request without the {@code Origin} header: witrpc servers refuse browser origins. */
  @Override
  protected FullHttpRequest newHandshakeRequest() {
    FullHttpRequest request = super.newHandshakeRequest();
    request.headers().remove(HttpHeaderNames.ORIGIN);
    return request;
  }

  /** The decoder the finished handshake puts in place. */
  void decoder(WsFrameDecoder frameDecoder) {
    this.decoder = frameDecoder;
  }

  @Override
  protected WebSocketFrameDecoder newWebsocketDecoder() {
    return decoder;
  }
}
