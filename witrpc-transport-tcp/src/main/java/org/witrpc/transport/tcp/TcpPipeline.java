package org.witrpc.transport.tcp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslHandler;
import java.security.Principal;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The handlers of an admitted {@code tcp://} connection, after its hello: heartbeats (when on), the
 * frame decoder, and the connection's own handler at the tail. Also the channel settings both sides
 * share.
 *
 * <p>Thread safety: stateless; {@link #install} runs on the channel's event loop.
 */
final class TcpPipeline {

  /**
   * Outbound bytes above which a sender waits (the channel is not writable), and below which it
   * goes on: a connection buffers at most this plus one chunk for a peer that reads slowly.
   */
  static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(512 << 10, 1 << 20);

  /** How long a new connection may take to say (or answer) hello, TLS handshake included. */
  static final long HELLO_TIMEOUT_MILLIS = 10_000;

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

  /** The options every {@code tcp://} socket gets. */
  static void configure(Channel channel) {
    channel.config().setOption(ChannelOption.TCP_NODELAY, true);
    channel.config().setOption(ChannelOption.SO_KEEPALIVE, true);
    channel.config().setWriteBufferWaterMark(WATER_MARK);
  }

  /** The subject of the peer's verified TLS certificate, or null (no TLS, no certificate). */
  static Principal peerPrincipal(ChannelPipeline pipeline) {
    SslHandler ssl = pipeline.get(SslHandler.class);
    if (ssl == null) {
      return null;
    }
    try {
      return ssl.engine().getSession().getPeerPrincipal();
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }
}
