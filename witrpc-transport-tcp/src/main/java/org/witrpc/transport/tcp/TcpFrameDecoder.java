package org.witrpc.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.ByteBuffer;
import org.witrpc.WitTransportException;
import org.witrpc.internal.FrameBufferGrowth;
import org.witrpc.transport.tcp.internal.FrameLimit;
import org.witrpc.transport.tcp.internal.NettyConnection;

/**
 * Cuts the incoming bytes of a {@code tcp://} connection into frames ({@link TcpWire}) and hands
 * each to its {@link NettyConnection}; answers a PING with a PONG; a PONG is only life.
 *
 * <p>Every announced length is checked against the connection's {@link FrameLimit} before anything
 * is allocated for it; a larger (or an unknown negative) one closes the connection with a {@link
 * WitTransportException} naming both sizes. A frame's buffer grows as its bytes arrive ({@link
 * FrameBufferGrowth}), so a peer that announces 256 MiB and sends nothing costs 1 MiB. The bytes
 * are copied once, from Netty's read buffer into the frame, which then belongs to the listener.
 *
 * <p>Thread safety: used by the channel's event loop only.
 */
final class TcpFrameDecoder extends ChannelInboundHandlerAdapter {

  private final NettyConnection connection;
  private final FrameLimit limit;

  private int prefix;
  private int prefixBytesRead;
  private int length;
  private ByteBuffer frame; // null between frames
  private boolean refused;

  TcpFrameDecoder(NettyConnection connection, FrameLimit limit) {
    this.connection = connection;
    this.limit = limit;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf)) {
      ctx.fireChannelRead(msg);
      return;
    }
    ByteBuf in = (ByteBuf) msg;
    try {
      if (!refused) {
        decode(ctx, in);
      }
    } finally {
      in.release();
    }
  }

  private void decode(ChannelHandlerContext ctx, ByteBuf in) {
    while (in.isReadable()) {
      if (frame == null && !startFrame(ctx, in)) {
        return;
      }
      if (frame == null) {
        continue; // a heartbeat, or a frame of 0 bytes already delivered
      }
      if (!frame.hasRemaining()) {
        frame = grow(frame, length);
      }
      int n = Math.min(in.readableBytes(), frame.remaining());
      int bufferLimit = frame.limit();
      frame.limit(frame.position() + n);
      in.readBytes(frame);
      frame.limit(bufferLimit);
      if (frame.position() == length) {
        ByteBuffer complete = frame.flip();
        frame = null;
        connection.received(complete);
      }
    }
  }

  /**
   * Reads (the rest of) a length prefix; false if more bytes are needed or the frame is refused.
   * Afterwards {@code frame} is the new frame's buffer, or null after a heartbeat or an empty
   * frame.
   */
  private boolean startFrame(ChannelHandlerContext ctx, ByteBuf in) {
    while (prefixBytesRead < TcpWire.PREFIX_BYTES && in.isReadable()) {
      prefix = (prefix << 8) | in.readUnsignedByte();
      prefixBytesRead++;
    }
    if (prefixBytesRead < TcpWire.PREFIX_BYTES) {
      return false;
    }
    int announced = prefix;
    prefix = 0;
    prefixBytesRead = 0;
    if (announced == TcpWire.PING) {
      connection.trySendControl(TcpFormat.pong(ctx.alloc()));
      return true;
    }
    if (announced == TcpWire.PONG) {
      return true;
    }
    int max = limit.current();
    if (announced < 0 || announced > max) {
      refused = true;
      connection.fail(
          new WitTransportException(
              limit.refusal(connection.description(), Integer.toUnsignedLong(announced), max)));
      return false;
    }
    if (announced == 0) {
      connection.received(ByteBuffer.allocate(0));
      return true;
    }
    length = announced;
    frame = ByteBuffer.allocate(FrameBufferGrowth.firstCapacity(announced));
    return true;
  }

  /** A larger buffer (see {@link FrameBufferGrowth}) holding the bytes received so far. */
  private static ByteBuffer grow(ByteBuffer frame, int length) {
    int capacity = FrameBufferGrowth.nextCapacity(frame.capacity(), frame.capacity() + 1, length);
    return ByteBuffer.allocate(capacity).put(frame.flip());
  }
}
