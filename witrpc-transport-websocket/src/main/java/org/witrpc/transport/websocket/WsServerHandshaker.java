package org.witrpc.transport.websocket;

import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13;

/**
 * Netty's RFC 6455 server handshake (the 101 answer with {@code Sec-WebSocket-Accept}, the HTTP
 * codec replaced by the WebSocket encoder), with witrpc's own frame decoder in place of Netty's. No
 * subprotocols, no extensions.
 *
 * <p>Thread safety: used by one channel's event loop.
 */
final class WsServerHandshaker extends WebSocketServerHandshaker13 {

  private final WsFrameDecoder decoder;

  WsServerHandshaker(String url, int maxFrameSize, WsFrameDecoder decoder) {
    super(url, null, decoderConfig(maxFrameSize, true));
    this.decoder = decoder;
  }

  /**
   * The configuration Netty's handshakers require; witrpc's decoder enforces the same: at most
   * {@code maxFrameSize}, masked client frames, no extensions.
   */
  static WebSocketDecoderConfig decoderConfig(int maxFrameSize, boolean expectMasked) {
    return WebSocketDecoderConfig.newBuilder()
        .maxFramePayloadLength(maxFrameSize)
        .expectMaskedFrames(expectMasked)
        .allowMaskMismatch(false)
        .allowExtensions(false)
        .build();
  }

  @Override
  protected WebSocketFrameDecoder newWebsocketDecoder() {
    return decoder;
  }
}
