package org.witrpc.transport.websocket;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import org.witrpc.transport.tcp.internal.Heartbeat;
import org.witrpc.transport.tcp.internal.HeartbeatHandler;
import org.witrpc.transport.tcp.internal.NettyConnection;

/**
 * The handlers of an upgraded {@code ws://} connection, around the frame decoder that the handshake
 * put in place: heartbeats (when on) right before it, so that every received byte counts as life;
 * the close handler and the connection's own handler at the tail.
 *
 * <p>Thread safety: stateless; {@link #install} runs on the channel's event loop.
 */
final class WsPipeline {

  /** Longest HTTP request or response line accepted before the upgrade. */
  static final int MAX_INITIAL_LINE = 4096;

  /** Most bytes of HTTP headers accepted before the upgrade. */
  static final int MAX_HEADERS = 8192;

  /** Most bytes of an HTTP body accepted before the upgrade (an upgrade request has none). */
  static final int MAX_HTTP_CONTENT = 8192;

  private WsPipeline() {}

  static void install(
      ChannelPipeline pipeline,
      WsFrameDecoder decoder,
      WsCloseHandler closer,
      NettyConnection connection,
      Heartbeat heartbeat) {
    if (heartbeat.enabled()) {
      String decoderName = pipeline.context(decoder).name();
      pipeline.addBefore(decoderName, "idle", HeartbeatHandler.idleStateHandler(heartbeat));
      pipeline.addBefore(
          decoderName,
          "heartbeat",
          new HeartbeatHandler(connection, heartbeat, PingWebSocketFrame::new));
    }
    pipeline.addLast("ws-close", closer);
    pipeline.addLast("connection", connection.channelHandler());
  }
}
