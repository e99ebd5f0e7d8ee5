package org.witrpc.transport.tcp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import org.witrpc.transport.tcp.internal.FrameLimit;
import org.witrpc.transport.tcp.internal.Heartbeat;
import org.witrpc.transport.tcp.internal.HeartbeatHandler;
import org.witrpc.transport.tcp.internal.NettyConnection;

/**
 * The handlers of an admitted {@code tcp://} connection, after its hello: heartbeats (when on), the
 * frame decoder, and the connection's own handler at the tail.
 *
 * <p>Thread safety: stateless; {@link #install} runs on the channel's event loop.
 */
final class TcpPipeline {

  private TcpPipeline() {}

  static void install(
      ChannelPipeline pipeline, NettyConnection connection, FrameLimit limit, Heartbeat heartbeat) {
    if (heartbeat.enabled()) {
      Channel channel = pipeline.channel();
      pipeline.addLast("idle", HeartbeatHandler.idleStateHandler(heartbeat));
      pipeline.addLast(
          "heartbeat",
          new HeartbeatHandler(connection, heartbeat, () -> TcpFormat.ping(channel.alloc())));
    }
    pipeline.addLast("frames", new TcpFrameDecoder(connection, limit));
    pipeline.addLast("connection", connection.channelHandler());
  }
}
