package org.witrpc.transport.websocket;

import static org.assertj.core.api.Assertions.assertThatCode;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.witrpc.testkit.RecordingListener;

/**
 * A closed server's port is free when {@code close} returns. This module's tests run Netty on NIO
 * (the native epoll library is not on their path), where the JDK closes a listening socket that is
 * registered with a selector only at that selector's next selection, after the channel's close has
 * completed; a server restarted on the port right after could then be refused ("Address already in
 * use") one time in two.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WsServerCloseTest {

  @Test
  void thePortIsFreeWhenCloseReturns() throws Exception {
    // another server keeps the shared I/O threads up, as in an application that restarts one of
    // its servers
    WebSocketServerTransport other = WebSocketTransport.server("127.0.0.1", 0, "/other").build();
    other.start(connection -> new RecordingListener());
    try {
      int port = 0;
      for (int i = 0; i < 20; i++) {
        WebSocketServerTransport server =
            WebSocketTransport.server("127.0.0.1", port, "/calc").build();
        server.start(connection -> new RecordingListener(connection::send));
        port = server.port();
        server.close();

        int closed = port;
        assertThatCode(() -> bindAndClose(closed))
            .as("binding port %d right after its server's close (round %d)", closed, i)
            .doesNotThrowAnyException();
      }
    } finally {
      other.close();
    }
  }

  private static void bindAndClose(int port) throws Exception {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true); // as the server's own socket: a TIME_WAIT left is no conflict
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }
  }
}
