package org.witrpc.testkit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Bounded reads and whole writes on a raw socket, for tests whose peers speak a transport's wire
 * format by hand. Reads switch the channel to non-blocking mode and wait through a selector, so a
 * test never hangs on a peer that stays silent.
 *
 * <p>Thread safety: stateless; use one channel from one thread at a time.
 */
public final class RawSockets {
  private RawSockets() {}

  /** Fills {@code dst}; false at end of stream or after {@code timeout}. */
  public static boolean read(SocketChannel channel, ByteBuffer dst, Duration timeout)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    channel.configureBlocking(false);
    try (Selector selector = Selector.open()) {
      channel.register(selector, SelectionKey.OP_READ);
      while (dst.hasRemaining()) {
        if (channel.read(dst) < 0) {
          return false;
        }
        if (dst.hasRemaining() && !await(selector, deadline)) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * True if the peer closes the stream (or resets it) within {@code timeout}; the bytes before the
   * end are skipped.
   */
  public static boolean awaitEndOfStream(SocketChannel channel, Duration timeout)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    ByteBuffer sink = ByteBuffer.allocate(4096);
    channel.configureBlocking(false);
    try (Selector selector = Selector.open()) {
      channel.register(selector, SelectionKey.OP_READ);
      while (true) {
        sink.clear();
        int n;
        try {
          n = channel.read(sink);
        } catch (IOException reset) {
          return true; // connection reset: closed by the peer too
        }
        if (n < 0) {
          return true;
        }
        if (System.nanoTime() - deadline >= 0 || (n == 0 && !await(selector, deadline))) {
          return false;
        }
      }
    }
  }

  /** Writes all of {@code src} (a blocking channel, or one whose peer keeps reading). */
  public static void writeFully(SocketChannel channel, ByteBuffer src) throws IOException {
    while (src.hasRemaining()) {
      channel.write(src);
    }
  }

  /** Waits for the selector until {@code deadline}; false once it has passed. */
  private static boolean await(Selector selector, long deadline) throws IOException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      return false;
    }
    selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
    selector.selectedKeys().clear();
    return true;
  }
}
