package org.witrpc.transport.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.witrpc.WitTransportException;
import org.witrpc.internal.FrameBufferGrowth;
import org.witrpc.transport.tcp.internal.FrameLimit;
import org.witrpc.transport.tcp.internal.NettyConnection;

/**
 * Reads the WebSocket frames (RFC 6455) of an upgraded connection: one binary message (a binary
 * frame and its continuations) is one witrpc frame, handed to the {@link NettyConnection}; a ping
 * is answered with a pong; a pong is only life; a close frame is echoed and ends the connection.
 *
 * <p>Limits before allocation: at each data frame's header, the size of its message so far plus the
 * frame's announced length is checked against the connection's {@link FrameLimit} (the handshake
 * limit until {@code allowLargeFrames()}, then maxFrameSize); a larger message closes the
 * connection (status 1009) with a {@link WitTransportException} naming both sizes. The message's
 * buffer grows as its bytes arrive ({@link FrameBufferGrowth}). Netty's own decoder is not used
 * because it holds a whole frame in its buffer before looking at it and knows one fixed limit.
 *
 * <p>Protocol violations close the connection with a clear reason: a text frame (1003: witrpc
 * speaks binary), reserved bits, an unknown opcode, an unmasked client frame or a masked server
 * frame, a fragmented or long control frame, a continuation without a message, a close frame with a
 * 1-byte payload or a status no endpoint may send (1002).
 *
 * <p>Thread safety: used by the channel's event loop only.
 */
final class WsFrameDecoder extends ChannelInboundHandlerAdapter implements WebSocketFrameDecoder {

  private static final int CONTINUATION = 0x0;
  private static final int TEXT = 0x1;
  private static final int BINARY = 0x2;
  private static final int CLOSE = 0x8;
  private static final int PING = 0x9;
  private static final int PONG = 0xA;
  private static final int MAX_CONTROL_PAYLOAD = 125;

  /** Most bytes held before the server's upgrade is answered ({@link #holdUntilOpened}). */
  static final int MAX_HELD_BYTES = 64 << 10;

  private final NettyConnection connection;
  private final FrameLimit limit;
  private final boolean expectMasked;
  private final WsCloseHandler closer;

  private final byte[] header = new byte[14];
  private int headerRead;
  private boolean inFrame;
  private int opcode;
  private boolean fin;
  private long payloadRemaining;
  private final byte[] mask = new byte[4];
  private boolean masked;
  private int maskIndex;

  private ByteBuffer message; // the binary message being received, null between messages
  private int messageLength; // bytes announced for it so far
  private byte[] control;
  private int controlRead;
  private boolean refused;
  private List<ByteBuf> held; // bytes received before open(), or null once open
  private int heldBytes;

  /**
   * @param expectMasked true on the server (client frames are masked), false on the client
   */
  WsFrameDecoder(
      NettyConnection connection, FrameLimit limit, boolean expectMasked, WsCloseHandler closer) {
    this.connection = connection;
    this.limit = limit;
    this.expectMasked = expectMasked;
    this.closer = closer;
  }

  /**
   * Holds the bytes it receives, unread, until {@link #open}: the server's decoder is in place
   * before the handshake's 101 answer has been written (bytes a client sent behind its upgrade
   * request come to it then), and what it reads must wait for the answer. At most {@link
   * #MAX_HELD_BYTES} are held; more closes the connection.
   */
  void holdUntilOpened() {
    held = new ArrayList<>();
  }

  /**
   * Reads the bytes held since {@link #holdUntilOpened}, and from now on what comes; {@code ctx} is
   * this decoder's context, null if it has been removed (then the held bytes are dropped).
   */
  void open(ChannelHandlerContext ctx) {
    if (ctx == null) { // removed meanwhile: the channel is closing
      releaseHeld();
      return;
    }
    List<ByteBuf> bytes = held;
    held = null;
    if (bytes == null) {
      return;
    }
    for (int i = 0; i < bytes.size(); i++) {
      try {
        read(ctx, bytes.get(i));
      } catch (RuntimeException e) {
        bytes.subList(i + 1, bytes.size()).forEach(ByteBuf::release);
        ctx.fireExceptionCaught(e); // as a read from the socket would have
        return;
      }
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf)) {
      ctx.fireChannelRead(msg);
      return;
    }
    ByteBuf in = (ByteBuf) msg;
    if (held != null) {
      hold(in);
      return;
    }
    read(ctx, in);
  }

  private void hold(ByteBuf in) {
    heldBytes += in.readableBytes();
    if (heldBytes > MAX_HELD_BYTES) {
      in.release();
      releaseHeld();
      refused = true;
      closer.status(WsCloseHandler.MESSAGE_TOO_BIG, "too many bytes before the upgrade's answer");
      connection.fail(
          new WitTransportException(
              connection.description()
                  + ": more than "
                  + MAX_HELD_BYTES
                  + " bytes before the WebSocket upgrade was answered; closing the connection"));
      return;
    }
    held.add(in);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseHeld();
  }

  private void releaseHeld() {
    List<ByteBuf> bytes = held;
    held = null;
    if (bytes != null) {
      bytes.forEach(ByteBuf::release);
    }
  }

  private void read(ChannelHandlerContext ctx, ByteBuf in) {
    try {
      while (in.isReadable() && !refused) {
        if (inFrame) {
          readPayload(ctx, in);
        } else if (readHeader(in)) {
          startFrame(ctx);
        }
      }
    } finally {
      in.release();
    }
  }

  /** Reads header bytes; true once the whole header (lengths and mask included) is in. */
  private boolean readHeader(ByteBuf in) {
    while (in.isReadable()) {
      int needed = headerBytes();
      if (headerRead >= needed) {
        return true;
      }
      header[headerRead++] = in.readByte();
    }
    return headerRead >= 2 && headerRead >= headerBytes();
  }

  private int headerBytes() {
    if (headerRead < 2) {
      return 2;
    }
    int length7 = header[1] & 0x7F;
    int lengthBytes = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
    return 2 + lengthBytes + ((header[1] & 0x80) != 0 ? 4 : 0);
  }

  private void startFrame(ChannelHandlerContext ctx) {
    int lengthBytes = headerBytes() - 2 - ((header[1] & 0x80) != 0 ? 4 : 0);
    headerRead = 0;
    fin = (header[0] & 0x80) != 0;
    opcode = header[0] & 0x0F;
    masked = (header[1] & 0x80) != 0;
    long length = header[1] & 0x7F;
    if (lengthBytes > 0) {
      length = 0;
      for (int i = 0; i < lengthBytes; i++) {
        length = (length << 8) | (header[2 + i] & 0xFF);
      }
    }
    if (masked) {
      System.arraycopy(header, 2 + lengthBytes, mask, 0, 4);
    }
    if ((header[0] & 0x70) != 0) {
      violation(WsCloseHandler.PROTOCOL_ERROR, "reserved bits set, but no extension was agreed");
      return;
    }
    if (masked != expectMasked) {
      violation(
          WsCloseHandler.PROTOCOL_ERROR,
          expectMasked ? "a client frame is not masked" : "a server frame is masked");
      return;
    }
    if (length < 0) {
      violation(WsCloseHandler.PROTOCOL_ERROR, "a frame length with its highest bit set");
      return;
    }
    switch (opcode) {
      case TEXT:
        violation(
            WsCloseHandler.UNSUPPORTED_DATA,
            "the peer sent a text frame; witrpc sends each frame as one binary message");
        return;
      case BINARY:
        if (message != null) {
          violation(WsCloseHandler.PROTOCOL_ERROR, "a new message began before the last ended");
          return;
        }
        if (!withinLimit(0, length)) {
          return;
        }
        messageLength = (int) length;
        message = ByteBuffer.allocate(FrameBufferGrowth.firstCapacity(messageLength));
        break;
      case CONTINUATION:
        if (message == null) {
          violation(WsCloseHandler.PROTOCOL_ERROR, "a continuation frame without a message");
          return;
        }
        if (!withinLimit(messageLength, length)) {
          return;
        }
        messageLength += (int) length;
        break;
      case CLOSE:
      case PING:
      case PONG:
        if (!fin || length > MAX_CONTROL_PAYLOAD) {
          violation(
              WsCloseHandler.PROTOCOL_ERROR, "a control frame is fragmented or above 125 bytes");
          return;
        }
        control = new byte[(int) length];
        controlRead = 0;
        break;
      default:
        violation(WsCloseHandler.PROTOCOL_ERROR, "unknown opcode 0x" + Integer.toHexString(opcode));
        return;
    }
    payloadRemaining = length;
    maskIndex = 0;
    inFrame = true;
    if (payloadRemaining == 0) {
      endFrame(ctx);
    }
  }

  /**
   * Checks a message's announced size against the limit before anything is allocated: the {@code
   * held} bytes of its frames so far (at most the limit) and the {@code more} a frame announces (up
   * to 2^63 - 1, so compared without adding).
   */
  private boolean withinLimit(int held, long more) {
    int max = limit.current();
    if (more <= max - (long) held) {
      return true;
    }
    long announced = more > Long.MAX_VALUE - held ? Long.MAX_VALUE : held + more;
    refused = true;
    closer.status(WsCloseHandler.MESSAGE_TOO_BIG, "message above " + max + " bytes");
    connection.fail(
        new WitTransportException(limit.refusal(connection.description(), announced, max)));
    return false;
  }

  private void readPayload(ChannelHandlerContext ctx, ByteBuf in) {
    if (opcode >= CLOSE) {
      int n = (int) Math.min(in.readableBytes(), payloadRemaining);
      in.readBytes(control, controlRead, n);
      unmask(control, controlRead, n);
      controlRead += n;
      payloadRemaining -= n;
    } else {
      if (!message.hasRemaining()) {
        message = grow(message);
        if (!message.hasRemaining()) { // cannot happen within the limit: never loop without room
          violation(WsCloseHandler.MESSAGE_TOO_BIG, "a message outgrew its announced length");
          return;
        }
      }
      int position = message.position();
      int n = (int) Math.min(Math.min(in.readableBytes(), payloadRemaining), message.remaining());
      in.readBytes(message.array(), position, n);
      unmask(message.array(), position, n);
      message.position(position + n);
      payloadRemaining -= n;
    }
    if (payloadRemaining == 0) {
      endFrame(ctx);
    }
  }

  /**
   * A larger buffer for the message: toward its announced length once its last frame has begun,
   * else fourfold (within the limit), so that a message of many frames is copied a few times, not
   * once per frame.
   */
  private ByteBuffer grow(ByteBuffer full) {
    int capacity = full.capacity();
    int target =
        fin
            ? messageLength
            : (int) Math.min(limit.current(), Math.max(messageLength, (long) capacity * 4));
    return ByteBuffer.allocate(FrameBufferGrowth.nextCapacity(capacity, capacity + 1, target))
        .put(full.flip());
  }

  private void unmask(byte[] bytes, int offset, int n) {
    if (!masked) {
      return;
    }
    for (int i = 0; i < n; i++) {
      bytes[offset + i] ^= mask[(maskIndex + i) & 3];
    }
    maskIndex = (maskIndex + n) & 3;
  }

  private void endFrame(ChannelHandlerContext ctx) {
    inFrame = false;
    switch (opcode) {
      case BINARY:
      case CONTINUATION:
        if (fin) {
          ByteBuffer complete = message.flip();
          message = null;
          connection.received(complete);
        }
        break;
      case PING:
        connection.trySendControl(new PongWebSocketFrame(Unpooled.wrappedBuffer(control)));
        break;
      case CLOSE:
        closedByPeer(ctx);
        break;
      default: // PONG: the bytes were life enough
    }
  }

  /** The peer's close frame: echo its status and end; an error status becomes the cause. */
  private void closedByPeer(ChannelHandlerContext ctx) {
    refused = true;
    if (control.length == 1) {
      violation(WsCloseHandler.PROTOCOL_ERROR, "a close frame with a 1-byte payload");
      return;
    }
    int status = control.length >= 2 ? ((control[0] & 0xFF) << 8) | (control[1] & 0xFF) : 1005;
    String reason =
        control.length > 2
            ? new String(control, 2, control.length - 2, StandardCharsets.UTF_8)
            : "";
    if (control.length >= 2 && !sendable(status)) {
      violation(
          WsCloseHandler.PROTOCOL_ERROR,
          "a close frame with status " + status + ", which no endpoint may send");
      return;
    }
    closer.status(status == 1005 ? WsCloseHandler.NORMAL : status, "");
    if (status == WsCloseHandler.NORMAL || status == 1001 || status == 1005) {
      ctx.channel().close(); // through WsCloseHandler; the frames before it are still delivered
    } else { // a well-formed close all the same: the frames before it are still delivered
      connection.endedByPeer(
          new WitTransportException(
              connection.description()
                  + ": the peer closed the connection with WebSocket status "
                  + status
                  + (reason.isEmpty() ? "" : " (" + reason + ")")));
    }
  }

  /**
   * Whether a close frame may carry {@code status} (RFC 6455 7.4 and the IANA registry): the
   * defined 1000-1003 and 1007-1014, or 3000-4999 (libraries, applications). 1004 is reserved, and
   * 1005, 1006 and 1015 only report what happened; echoing one of them would break the protocol in
   * turn (and Netty refuses to write it).
   */
  private static boolean sendable(int status) {
    return status >= 1000 && status <= 1003
        || status >= 1007 && status <= 1014
        || status >= 3000 && status <= 4999;
  }

  private void violation(int status, String why) {
    refused = true;
    closer.status(status, why.length() > 120 ? why.substring(0, 120) : why);
    connection.fail(
        new WitTransportException(
            connection.description() + ": " + why + "; closing the connection"));
  }
}
