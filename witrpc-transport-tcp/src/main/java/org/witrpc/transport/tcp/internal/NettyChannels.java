package org.witrpc.transport.tcp.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;

/**
 * The socket settings every witrpc network connection gets, on both sides, and the time a new
 * connection has for its opening exchange.
 *
 * <p>Thread safety: stateless.
 */
public final class NettyChannels {

  /**
   * Outbound bytes above which a sender waits (the channel is not writable), and below which it
   * goes on: a connection buffers at most this plus one chunk for a peer that reads slowly.
   */
  static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(512 << 10, 1 << 20);

  /**
   * How long a new connection may take for its opening exchange (the TLS handshake included): the
   * hello of {@code tcp://}, the HTTP upgrade of {@code ws://}.
   */
  public static final long OPENING_TIMEOUT_MILLIS = 10_000;

  private NettyChannels() {}

  /** {@code TCP_NODELAY}, {@code SO_KEEPALIVE} and the write-buffer water mark. */
  public static void configure(Channel channel) {
    channel.config().setOption(ChannelOption.TCP_NODELAY, true);
    channel.config().setOption(ChannelOption.SO_KEEPALIVE, true);
    channel.config().setWriteBufferWaterMark(WATER_MARK);
  }
}
