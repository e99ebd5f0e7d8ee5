package org.witrpc.transport.tcp.internal;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;

/**
 * The only class that names Netty's optional epoll types, so that loading {@link EventLoops} never
 * needs them: without the epoll jar, calling {@link #available} throws a {@link LinkageError}.
 *
 * <p>Thread safety: stateless.
 */
final class EpollFlavor {

  private EpollFlavor() {}

  static boolean available() {
    return Epoll.isAvailable();
  }

  static IoHandlerFactory factory() {
    return EpollIoHandler.newFactory();
  }

  static Class<? extends ServerChannel> serverChannel() {
    return EpollServerSocketChannel.class;
  }

  static Class<? extends SocketChannel> socketChannel() {
    return EpollSocketChannel.class;
  }
}
