package org.witrpc.transport.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;

/**
 * The server's HTTP request decoder before the upgrade, which decodes one request and no more. A
 * client may send its first WebSocket frames right behind its upgrade request, in the same TCP
 * segment; Netty's decoder would read those bytes as the start of a second HTTP request and lose
 * them. Here they stay in the decoder's buffer, and when the handshake puts the {@link
 * WsFrameDecoder} in this decoder's place, Netty hands them to it. More than {@link
 * WsFrameDecoder#MAX_HELD_BYTES} of them close the connection.
 *
 * <p>Thread safety: used by the channel's event loop only.
 */
final class WsRequestDecoder extends HttpRequestDecoder {

  private boolean requestDecoded;

  WsRequestDecoder() {
    super(
        new HttpDecoderConfig()
            .setMaxInitialLineLength(WsPipeline.MAX_INITIAL_LINE)
            .setMaxHeaderSize(WsPipeline.MAX_HEADERS)
            .setMaxChunkSize(WsPipeline.MAX_HEADERS));
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out)
      throws Exception {
    if (requestDecoded) {
      // The bytes after the request wait for the WebSocket decoder; a request that is not an
      // upgrade is answered and closed, so only a client that floods meanwhile gets here.
      if (buffer.readableBytes() > WsFrameDecoder.MAX_HELD_BYTES) {
        buffer.skipBytes(buffer.readableBytes());
        ctx.close();
      }
      return;
    }
    int before = out.size();
    super.decode(ctx, buffer, out);
    for (int i = before; i < out.size(); i++) {
      if (out.get(i) instanceof LastHttpContent) {
        requestDecoded = true;
      }
    }
  }
}
