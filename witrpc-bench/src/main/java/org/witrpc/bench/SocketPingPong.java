package org.witrpc.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * The Unix-socket floor: a raw 64-byte ping-pong between two JVMs over a blocking {@link
 * SocketChannel} on a Unix domain socket, with no framing and no serialization. What witrpc's
 * {@code pipe://} adds on top of this is its cost.
 *
 * <p>Thread safety: one client thread per instance.
 */
final class SocketPingPong implements AutoCloseable {
  private final SocketChannel channel;
  private final ByteBuffer message = ByteBuffer.allocateDirect(ShmPingPong.MESSAGE_BYTES);

  private SocketPingPong(SocketChannel channel) {
    this.channel = channel;
  }

  /** Client: connects to the server listening on {@code socket}. */
  static SocketPingPong connect(Path socket) {
    try {
      SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
      channel.connect(UnixDomainSocketAddress.of(socket));
      return new SocketPingPong(channel);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot connect to " + socket, e);
    }
  }

  /** Server: binds {@code socket}, then calls {@code ready} and echoes one client until it ends. */
  static void serve(Path socket, Runnable ready) throws IOException {
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      ready.run();
      try (SocketChannel client = server.accept()) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(ShmPingPong.MESSAGE_BYTES);
        while (readFully(client, buffer)) {
          buffer.flip();
          while (buffer.hasRemaining()) {
            client.write(buffer);
          }
          buffer.clear();
        }
      }
    }
  }

  /** Client: sends one 64-byte message and waits for its echo. */
  void roundTrip() {
    try {
      message.clear();
      while (message.hasRemaining()) {
        channel.write(message);
      }
      message.clear();
      if (!readFully(channel, message)) {
        throw new EOFException("the server closed the socket");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean readFully(SocketChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      if (channel.read(buffer) < 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
