package org.witrpc.transport.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import org.witrpc.transport.tcp.internal.FrameFormat;

/**
 * The {@code ws://} framing of outgoing frames: one binary WebSocket message per witrpc frame, its
 * first chunk a binary frame, the others continuation frames, the last with FIN set. No prefix: the
 * WebSocket frame headers carry the lengths.
 *
 * <p>Thread safety: stateless.
 */
final class WsFormat implements FrameFormat {

  static final WsFormat INSTANCE = new WsFormat();

  private WsFormat() {}

  @Override
  public int prefixBytes() {
    return 0;
  }

  @Override
  public void writePrefix(ByteBuf out, int frameLength) {
    // the WebSocket frame header carries the length
  }

  @Override
  public Object message(ByteBuf chunk, boolean first, boolean last) {
    return first
        ? new BinaryWebSocketFrame(last, 0, chunk)
        : new ContinuationWebSocketFrame(last, 0, chunk);
  }
}
