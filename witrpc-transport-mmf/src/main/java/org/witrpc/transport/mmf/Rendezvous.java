package org.witrpc.transport.mmf;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.witrpc.WitTransportException;

/**
 * The handshake on the rendezvous socket, byte by byte:
 *
 * <pre>
 *   server -> client   status (1 byte): 1 = accepted, 2 = refused
 *                      text length (2 bytes, big-endian), text (UTF-8):
 *                        accepted: absolute path of the connection's shared-memory file
 *                        refused:  the reason
 *   client -> server   ack (1 byte) = 1, once the client has mapped and checked the file
 * </pre>
 *
 * After the ack the server unlinks the file and the socket carries only {@link Doorbell} bytes.
 *
 * <p>Thread safety: stateless; each channel must be used by one thread at a time.
 */
final class Rendezvous {
  static final byte ACCEPTED = 1;
  static final byte REFUSED = 2;
  static final byte ACK = 1;

  /** How the text of a refusal for the client's user starts (the client reports it as security). */
  static final String PEER_USER_REFUSED = "the server does not admit clients running as user ";

  private static final int MAX_TEXT = 4096;

  /** Longest single wait while reading, so that an abandoned handshake ends promptly. */
  static final long SLICE_MILLIS = 50;

  /** The status byte and its text, as read by the client. */
  record Reply(byte status, String text) {}

  private Rendezvous() {}

  static void sendReply(SocketChannel channel, byte status, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_TEXT) {
      throw new IllegalArgumentException("handshake text too long: " + bytes.length);
    }
    ByteBuffer out = ByteBuffer.allocate(3 + bytes.length);
    out.put(status).putShort((short) bytes.length).put(bytes).flip();
    while (out.hasRemaining()) {
      channel.write(out);
    }
  }

  static Reply readReply(SocketChannel channel, long deadlineNanos) throws IOException {
    ByteBuffer head = ByteBuffer.allocate(3);
    readFully(channel, head, deadlineNanos);
    byte status = head.get(0);
    int length = Short.toUnsignedInt(head.getShort(1));
    if ((status != ACCEPTED && status != REFUSED) || length > MAX_TEXT) {
      throw new WitTransportException(
          "unexpected handshake from the mmf server (status "
              + status
              + ", length "
              + length
              + ")");
    }
    ByteBuffer text = ByteBuffer.allocate(length);
    readFully(channel, text, deadlineNanos);
    return new Reply(status, new String(text.array(), StandardCharsets.UTF_8));
  }

  static void sendAck(SocketChannel channel) throws IOException {
    ByteBuffer ack = ByteBuffer.wrap(new byte[] {ACK});
    while (ack.hasRemaining()) {
      channel.write(ack);
    }
  }

  /**
   * Waits for the client's acknowledgement until the deadline, or until {@code abandon} returns
   * true (checked every {@link #SLICE_MILLIS} ms; the server closing).
   */
  static void awaitAck(SocketChannel channel, long deadlineNanos, BooleanSupplier abandon)
      throws IOException {
    ByteBuffer ack = ByteBuffer.allocate(1);
    readFully(channel, ack, deadlineNanos, abandon);
    if (ack.get(0) != ACK) {
      throw new WitTransportException("unexpected handshake acknowledgement " + ack.get(0));
    }
  }

  /** Reads until {@code dst} is full, or fails at end of stream or after the deadline. */
  static void readFully(SocketChannel channel, ByteBuffer dst, long deadlineNanos)
      throws IOException {
    readFully(channel, dst, deadlineNanos, () -> false);
  }

  private static void readFully(
      SocketChannel channel, ByteBuffer dst, long deadlineNanos, BooleanSupplier abandon)
      throws IOException {
    channel.configureBlocking(false);
    // Bytes already there (the text behind the status, as a rule) need no selector.
    if (readAvailable(channel, dst)) {
      channel.configureBlocking(true);
      return;
    }
    try (Selector selector = Selector.open()) {
      channel.register(selector, SelectionKey.OP_READ);
      while (!readAvailable(channel, dst)) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          throw new WitTransportException("timed out waiting for the mmf handshake");
        }
        if (abandon.getAsBoolean()) {
          throw new AsynchronousCloseException();
        }
        selector.select(Math.max(1, Math.min(SLICE_MILLIS, TimeUnit.NANOSECONDS.toMillis(left))));
        selector.selectedKeys().clear();
      }
    }
    // Closing the selector deregistered the channel, so it may go back to blocking mode.
    channel.configureBlocking(true);
  }

  /** Reads what the non-blocking {@code channel} has; true once {@code dst} is full. */
  private static boolean readAvailable(SocketChannel channel, ByteBuffer dst) throws IOException {
    while (dst.hasRemaining()) {
      int n = channel.read(dst);
      if (n < 0) {
        throw new EOFException("the peer closed the socket during the handshake");
      }
      if (n == 0) {
        return false;
      }
    }
    return true;
  }
}
