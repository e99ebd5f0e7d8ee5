package org.witrpc.transport.tcp.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.witrpc.WitTransportException;

/**
 * Heartbeats of a Netty connection, behind an {@link IdleStateHandler} ({@link #idleStateHandler}):
 * when this side has written nothing for one interval it sends a ping (so a live peer always hears
 * from it at least once an interval, and answers); when it has read nothing for {@code misses}
 * intervals, the peer is taken for dead (a pulled cable, a partition, a frozen process: no end of
 * stream ever comes) and the connection is closed with a {@link WitTransportException} saying the
 * peer went silent. Any received byte counts as life. While this side has stopped reading because
 * its own listener is behind, the peer's silence proves nothing and is not counted. An idle
 * connection costs one small ping message each interval and one timer.
 *
 * <p>Thread safety: used by the channel's event loop only.
 */
public final class HeartbeatHandler extends ChannelInboundHandlerAdapter {

  private final NettyConnection connection;
  private final Heartbeat heartbeat;
  private final Supplier<Object> ping;

  public HeartbeatHandler(NettyConnection connection, Heartbeat heartbeat, Supplier<Object> ping) {
    this.connection = connection;
    this.heartbeat = heartbeat;
    this.ping = ping;
  }

  /** The handler that raises the idle events; goes right before this one. */
  public static IdleStateHandler idleStateHandler(Heartbeat heartbeat) {
    long interval = heartbeat.interval().toNanos();
    return new IdleStateHandler(interval * heartbeat.misses(), interval, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (!(event instanceof IdleStateEvent)) {
      ctx.fireUserEventTriggered(event);
      return;
    }
    IdleState state = ((IdleStateEvent) event).state();
    if (state == IdleState.WRITER_IDLE) {
      connection.trySendControl(ping.get());
    } else if (state == IdleState.READER_IDLE && !connection.readsPaused()) {
      connection.fail(
          new WitTransportException(
              connection.description()
                  + ": the peer went silent: nothing received for "
                  + heartbeat.interval().multipliedBy(heartbeat.misses()).toMillis()
                  + " ms ("
                  + heartbeat.misses()
                  + " heartbeat intervals of "
                  + heartbeat.interval().toMillis()
                  + " ms); closing the connection"));
    }
  }
}
