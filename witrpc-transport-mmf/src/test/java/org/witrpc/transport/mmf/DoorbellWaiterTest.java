package org.witrpc.transport.mmf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DoorbellWaiterTest {
  private Path dir;
  private ServerSocketChannel listening;

  @BeforeEach
  void listen() throws IOException {
    dir = Files.createTempDirectory(Path.of("/tmp"), "dw");
    listening = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    listening.bind(UnixDomainSocketAddress.of(dir.resolve("s")));
  }

  @AfterEach
  void close() throws IOException {
    listening.close();
    Files.deleteIfExists(dir.resolve("s"));
    Files.deleteIfExists(dir);
  }

  @Test
  void anErrorInOneConnectionsWatcherEndsThatConnectionOnlyAndTheWaiterWatchesTheOthers()
      throws Exception {
    DoorbellWaiter waiter = DoorbellWaiter.acquire();
    SocketChannel[] failing = pair();
    SocketChannel[] healthy = pair();
    try {
      CompletableFuture<Throwable> failed = new CompletableFuture<>();
      waiter.register(
          failing[0],
          new DoorbellWaiter.Watcher() {
            @Override
            public void onReadable() {
              throw new OutOfMemoryError("a receive buffer, say");
            }

            @Override
            public void watchFailed(Throwable cause) {
              failed.complete(cause);
            }
          });
      CountDownLatch heard = new CountDownLatch(1);
      waiter.register(
          healthy[0],
          new DoorbellWaiter.Watcher() {
            @Override
            public void onReadable() {
              try {
                healthy[0].read(ByteBuffer.allocate(8));
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
              heard.countDown();
            }

            @Override
            public void watchFailed(Throwable cause) {
              // not expected: the assertion on heard fails instead
            }
          });

      failing[1].write(ByteBuffer.wrap(new byte[] {1}));
      assertThat(failed.get(10, TimeUnit.SECONDS)).isInstanceOf(OutOfMemoryError.class);

      healthy[1].write(ByteBuffer.wrap(new byte[] {1}));
      assertThat(heard.await(10, TimeUnit.SECONDS))
          .as("the waiter still watches the other connection")
          .isTrue();
    } finally {
      for (SocketChannel c : new SocketChannel[] {failing[0], failing[1], healthy[0], healthy[1]}) {
        c.close();
      }
      waiter.release();
    }
  }

  @Test
  void aConnectSoonAfterTheLastCloseFindsTheWaiterStillRunning() {
    DoorbellWaiter first = DoorbellWaiter.acquire();
    first.release(); // the process's last connection ends

    DoorbellWaiter next = DoorbellWaiter.acquire();
    try {
      // well within the keep-alive: no new thread, no new selector for the next connection
      assertThat(next).isSameAs(first);
    } finally {
      next.release();
    }
  }

  /** A connected pair of Unix sockets: [0] non-blocking (for the waiter), [1] the peer. */
  private SocketChannel[] pair() throws IOException {
    SocketChannel near = SocketChannel.open(listening.getLocalAddress());
    SocketChannel far = listening.accept();
    near.configureBlocking(false);
    return new SocketChannel[] {near, far};
  }
}
