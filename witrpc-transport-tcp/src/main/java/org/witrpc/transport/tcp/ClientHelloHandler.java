package org.witrpc.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import javax.net.ssl.SSLException;
import org.witrpc.WitException;
import org.witrpc.WitTransportException;
import org.witrpc.transport.tcp.internal.NettyConnection;
import org.witrpc.transport.tcp.internal.TlsFailures;

/**
 * The client's first handler (after TLS, when on): sends the hello ({@link TcpWire}) and reads the
 * server's status. ACCEPTED: {@code onAccepted} makes the connection (its handlers take this one's
 * place) and completes {@code result}; a refusal, a failed TLS handshake (a certificate not
 * trusted, expired, for another host; a server that requires a client certificate) or an early end
 * fails it with an error that names the cause.
 *
 * <p>Thread safety: used by the channel's event loop only.
 */
final class ClientHelloHandler extends ByteToMessageDecoder {

  private final String address;
  private final boolean tls;
  private final CompletableFuture<NettyConnection> result;
  private final Function<ChannelHandlerContext, NettyConnection> onAccepted;

  ClientHelloHandler(
      String address,
      boolean tls,
      CompletableFuture<NettyConnection> result,
      Function<ChannelHandlerContext, NettyConnection> onAccepted) {
    this.address = address;
    this.tls = tls;
    this.result = result;
    this.onAccepted = onAccepted;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    // with TLS, SslHandler holds it back until the handshake is done
    ctx.writeAndFlush(
        ctx.alloc().buffer(TcpWire.HELLO_BYTES).writeInt(TcpWire.MAGIC).writeByte(TcpWire.VERSION));
    ctx.fireChannelActive();
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (result.isDone()) {
      in.skipBytes(in.readableBytes());
      return;
    }
    byte status = in.getByte(in.readerIndex());
    if (status == TcpWire.ACCEPTED) {
      in.skipBytes(1);
      NettyConnection connection = onAccepted.apply(ctx);
      ctx.pipeline().remove(this); // bytes after the status go on to the connection's handlers
      if (!result.complete(connection)) {
        connection.fail(new WitTransportException(address + ": connect gave up meanwhile"));
      }
      return;
    }
    if (status == TcpWire.REFUSED_MAX_CLIENTS) {
      if (in.readableBytes() < 5) {
        return;
      }
      in.skipBytes(1);
      fail(
          ctx,
          new WitTransportException(
              "server "
                  + address
                  + " refused the connection: it has its maximum of "
                  + in.readInt()
                  + " clients"));
    } else if (status == TcpWire.REFUSED_VERSION) {
      fail(
          ctx,
          new WitTransportException(
              "server " + address + " refused the connection: it speaks another tcp:// version"));
    } else {
      fail(
          ctx,
          new WitTransportException(
              "server "
                  + address
                  + " answered with unknown status 0x"
                  + Integer.toHexString(status & 0xff)
                  + "; is it a witrpc tcp:// server"
                  + (tls ? "" : ", and not a TLS one (then connect with tls=true)")
                  + "?"));
    }
    in.skipBytes(in.readableBytes());
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof SslHandshakeCompletionEvent
        && !((SslHandshakeCompletionEvent) event).isSuccess()) {
      fail(ctx, tlsFailure(((SslHandshakeCompletionEvent) event).cause()));
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    SSLException ssl = TlsFailures.sslCause(cause);
    fail(
        ctx,
        ssl != null
            ? tlsFailure(ssl)
            : new WitTransportException(
                "cannot connect to " + address + ": " + cause.getMessage(), cause));
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    fail(
        ctx,
        new WitTransportException(
            "server "
                + address
                + " closed the connection before accepting it"
                + (tls
                    ? " (did it refuse this client's certificate, or is it a plain tcp:// server?)"
                    : " (is it a TLS server? then connect with tls=true and its trust)")));
    super.channelInactive(ctx);
  }

  private WitException tlsFailure(Throwable cause) {
    return TlsFailures.clientFailure(address, cause, "a plain tcp:// server");
  }

  private void fail(ChannelHandlerContext ctx, WitException failure) {
    if (result.completeExceptionally(failure)) {
      ctx.close();
    }
  }
}
