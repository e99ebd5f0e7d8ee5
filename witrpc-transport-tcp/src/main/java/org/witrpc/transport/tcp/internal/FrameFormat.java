package org.witrpc.transport.tcp.internal;

import io.netty.buffer.ByteBuf;

/**
 * How a {@link NettyConnection} puts the bytes of one frame on its channel: a frame leaves in
 * chunks (so that a large frame waits for the peer chunk by chunk instead of being queued whole),
 * and the format says what precedes the first chunk and what message carries each chunk. For {@code
 * tcp://} a length prefix and the raw bytes; for {@code ws://} no prefix, a binary WebSocket frame
 * and its continuation frames.
 *
 * <p>Thread safety: implementations are stateless.
 */
public interface FrameFormat {

  /** Bytes written before the first chunk's body (the length prefix). */
  int prefixBytes();

  /** Writes the prefix of a frame of {@code frameLength} bytes into {@code out}. */
  void writePrefix(ByteBuf out, int frameLength);

  /** The message that carries {@code chunk} (ownership passes to it). */
  Object message(ByteBuf chunk, boolean first, boolean last);
}
