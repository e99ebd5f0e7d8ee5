package org.witrpc.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.internal.WarningThrottle;
import org.witrpc.transport.tcp.internal.NettyChannels;
import org.witrpc.transport.tcp.internal.TlsFailures;

/**
 * The first handler of an accepted socket (after TLS, when on): reads the client's hello ({@link
 * TcpWire}), answers with the status, and on ACCEPTED hands the channel to the server, which puts
 * the connection's handlers in its place. A client that says nothing within {@link
 * TcpPipeline#HELLO_TIMEOUT_MILLIS} (TLS handshake included), says something else, or fails the TLS
 * handshake is dropped with a log line (a WARN for the first of a kind in a while, see {@link
 * WarningThrottle}); the server keeps serving the others.
 *
 * <p>Thread safety: used by the channel's event loop only.
 */
final class ServerHelloHandler extends ByteToMessageDecoder {

  private static final Logger log = LoggerFactory.getLogger(ServerHelloHandler.class);

  /** The first byte of a TLS record that starts a handshake (a ClientHello, here). */
  private static final int TLS_HANDSHAKE_RECORD = 0x16;

  private final TcpServerTransport server;
  private ScheduledFuture<?> timeout;
  private boolean done;

  ServerHelloHandler(TcpServerTransport server) {
    this.server = server;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    timeout =
        ctx.executor()
            .schedule(
                () -> {
                  if (!done) {
                    done = true;
                    log.debug(
                        "{}: {} said no hello within {} ms; dropping it",
                        server,
                        ctx.channel().remoteAddress(),
                        NettyChannels.OPENING_TIMEOUT_MILLIS);
                    ctx.close();
                  }
                },
                NettyChannels.OPENING_TIMEOUT_MILLIS,
                TimeUnit.MILLISECONDS);
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    timeout.cancel(false);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (done) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (in.readableBytes() < TcpWire.HELLO_BYTES) {
      return;
    }
    done = true;
    int magic = in.readInt();
    byte version = in.readByte();
    if (magic != TcpWire.MAGIC) {
      server
          .warnings()
          .warn(
              log,
              "not a client",
              "{}: {} is not a witrpc tcp:// client (its first bytes are 0x{}{}); dropping it",
              server,
              ctx.channel().remoteAddress(),
              Integer.toHexString(magic),
              (magic >>> 24) == TLS_HANDSHAKE_RECORD
                  ? ", the start of a TLS handshake: a TLS client of this plain server?"
                  : "");
      in.skipBytes(in.readableBytes());
      ctx.close();
      return;
    }
    if (version != TcpWire.VERSION) {
      server
          .warnings()
          .warn(
              log,
              "version",
              "{}: {} speaks version {} of tcp://, this server {}; refusing it",
              server,
              ctx.channel().remoteAddress(),
              version,
              TcpWire.VERSION);
      in.skipBytes(in.readableBytes());
      ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte(TcpWire.REFUSED_VERSION))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    if (!server.admit(ctx.channel())) {
      in.skipBytes(in.readableBytes());
      ctx.writeAndFlush(
              ctx.alloc()
                  .buffer(5)
                  .writeByte(TcpWire.REFUSED_MAX_CLIENTS)
                  .writeInt(server.maxClients()))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte(TcpWire.ACCEPTED));
    // the connection's handlers take over; bytes after the hello go on to them
    server.accepted(ctx.channel());
    ctx.pipeline().remove(this);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!done) {
      done = true;
      TlsFailures.logServerSide(
          log, server.warnings(), server, ctx.channel(), cause, "a plain tcp:// client");
    }
    ctx.close();
  }
}
