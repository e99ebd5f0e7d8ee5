package org.witrpc.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.witrpc.transport.tcp.internal.FrameFormat;

/**
 * The {@code tcp://} framing of outgoing frames: a big-endian int32 length, then the bytes; and the
 * heartbeat messages, a bare prefix of {@link TcpWire#PING} or {@link TcpWire#PONG}.
 *
 * <p>Thread safety: stateless.
 */
final class TcpFormat implements FrameFormat {

  static final TcpFormat INSTANCE = new TcpFormat();

  private TcpFormat() {}

  @Override
  public int prefixBytes() {
    return TcpWire.PREFIX_BYTES;
  }

  @Override
  public void writePrefix(ByteBuf out, int frameLength) {
    out.writeInt(frameLength);
  }

  @Override
  public Object message(ByteBuf chunk, boolean first, boolean last) {
    return chunk;
  }

  static ByteBuf ping(ByteBufAllocator alloc) {
    return alloc.buffer(TcpWire.PREFIX_BYTES).writeInt(TcpWire.PING);
  }

  static ByteBuf pong(ByteBufAllocator alloc) {
    return alloc.buffer(TcpWire.PREFIX_BYTES).writeInt(TcpWire.PONG);
  }
}
