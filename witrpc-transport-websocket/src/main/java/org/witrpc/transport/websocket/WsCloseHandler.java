package org.witrpc.transport.websocket;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;

/**
 * Says goodbye the WebSocket way: when the channel of an upgraded connection closes, a close frame
 * goes out first (status 1000, or the status the decoder set: 1002 for a protocol violation, 1003
 * for a text frame, 1009 for a message above the limit; or the peer's own status, echoed). The
 * channel closes right after without waiting for the peer's answer, so a dead peer cannot hold it
 * open.
 *
 * <p>Thread safety: used by the channel's event loop only.
 */
final class WsCloseHandler extends ChannelOutboundHandlerAdapter {

  /** RFC 6455 status: normal closure. */
  static final int NORMAL = 1000;

  /** RFC 6455 status: protocol error. */
  static final int PROTOCOL_ERROR = 1002;

  /** RFC 6455 status: a data type the endpoint cannot accept (here: text). */
  static final int UNSUPPORTED_DATA = 1003;

  /** RFC 6455 status: a message too big to process. */
  static final int MESSAGE_TOO_BIG = 1009;

  private int status = NORMAL;
  private String reason = "";
  private boolean sent;

  /** The status and reason of the close frame to send (reason at most 123 bytes of UTF-8). */
  void status(int closeStatus, String closeReason) {
    this.status = closeStatus;
    this.reason = closeReason;
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    if (!sent && ctx.channel().isActive()) {
      sent = true;
      ctx.writeAndFlush(new CloseWebSocketFrame(status, reason));
    }
    ctx.close(promise);
  }
}
