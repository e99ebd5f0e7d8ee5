package org.witrpc.transport.tcp.internal;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O threads of witrpc's Netty transports: one event loop group per process, shared by every
 * server and connection, created by the first user and shut down when the last one releases it (so
 * a process that closes all its transports keeps no {@code witrpc-tcp-io-...} thread). Native epoll
 * where Netty's epoll library loads (Linux, the optional {@code netty-transport-native-epoll} jar
 * on the path), NIO otherwise, or always NIO with {@code -Dwitrpc.tcp.epoll=false}. The threads are
 * daemon threads.
 *
 * <p>Thread safety: safe for concurrent use.
 */
public final class EventLoops {

  private static final Logger log = LoggerFactory.getLogger(EventLoops.class);
  private static final Object LOCK = new Object();
  private static final Flavor FLAVOR = Flavor.detect();

  private static EventLoopGroup group; // guarded by LOCK
  private static int users; // guarded by LOCK

  /** One user's hold on the group; {@link #close} releases it once. */
  public static final class Lease implements AutoCloseable {
    private final EventLoopGroup group;
    private final AtomicBoolean released = new AtomicBoolean();

    private Lease(EventLoopGroup group) {
      this.group = group;
    }

    public EventLoopGroup group() {
      return group;
    }

    @Override
    public void close() {
      if (released.compareAndSet(false, true)) {
        release(group);
      }
    }
  }

  private EventLoops() {}

  /** Takes a hold on the group, creating it if no one holds it. */
  public static Lease acquire() {
    synchronized (LOCK) {
      if (group == null) {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        group =
            new MultiThreadIoEventLoopGroup(
                threads, new DefaultThreadFactory("witrpc-tcp-io", true), FLAVOR.factory());
        log.debug("started {} {} I/O threads", threads, FLAVOR.name);
      }
      users++;
      return new Lease(group);
    }
  }

  private static void release(EventLoopGroup released) {
    synchronized (LOCK) {
      if (released != group) {
        return; // cannot happen: a lease is for the group that was live when it was taken
      }
      if (--users > 0) {
        return;
      }
      group = null;
    }
    released.shutdownGracefully(0, 2, TimeUnit.SECONDS);
  }

  public static Class<? extends ServerChannel> serverChannelType() {
    return FLAVOR.serverChannel;
  }

  public static Class<? extends SocketChannel> socketChannelType() {
    return FLAVOR.socketChannel;
  }

  /** Native epoll or NIO: the I/O handler and the channel types that go with it. */
  private static final class Flavor {
    final String name;
    final boolean epoll;
    final Class<? extends ServerChannel> serverChannel;
    final Class<? extends SocketChannel> socketChannel;

    private Flavor(
        String name,
        boolean epoll,
        Class<? extends ServerChannel> serverChannel,
        Class<? extends SocketChannel> socketChannel) {
      this.name = name;
      this.epoll = epoll;
      this.serverChannel = serverChannel;
      this.socketChannel = socketChannel;
    }

    IoHandlerFactory factory() {
      return epoll ? EpollFlavor.factory() : NioIoHandler.newFactory();
    }

    static Flavor detect() {
      if (!"false".equalsIgnoreCase(System.getProperty("witrpc.tcp.epoll"))) {
        try {
          if (EpollFlavor.available()) {
            return new Flavor(
                "epoll", true, EpollFlavor.serverChannel(), EpollFlavor.socketChannel());
          }
        } catch (LinkageError e) {
          log.debug("Netty's epoll classes are not on the path; using NIO", e);
        }
      }
      return new Flavor("NIO", false, NioServerSocketChannel.class, NioSocketChannel.class);
    }
  }
}
