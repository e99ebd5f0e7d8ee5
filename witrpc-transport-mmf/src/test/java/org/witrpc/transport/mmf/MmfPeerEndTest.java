package org.witrpc.transport.mmf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.witrpc.WitTransportException;
import org.witrpc.spi.Connection;

/**
 * The end of a connection as a raw peer (before any handshake) plays it: the peer's end of stream
 * releases the server's client slot at once, before the frames the peer had published by then are
 * delivered, and reports {@code onClosed} after them, however long the peer goes on writing into
 * the still-mapped ring; and no doorbell byte passes for the end of stream. The peer writes the
 * client-to-server ring itself, 8-byte FRAME records each holding a number.
 *
 * <p>Only "well before a generous deadline" is asserted, never a duration.
 */
class MmfPeerEndTest {
  private static final Duration DEADLINE = Duration.ofSeconds(5);
  private static final VarHandle LONGS =
      MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

  /** A record: its header and one long. */
  private static final int RECORD = RingBuffer.RECORD_HEADER_LENGTH + Long.BYTES;

  private static final long FRAME_HEADER = ((long) RingBuffer.FRAME << 32) | Long.BYTES;

  private Path dir;
  private MmfServerTransport server;
  private final BlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
  private final BlockingQueue<RecordingListener> listeners = new LinkedBlockingQueue<>();
  private final List<AutoCloseable> resources = new ArrayList<>();

  @BeforeEach
  void startServer() throws Exception {
    dir = Files.createTempDirectory(Path.of("/tmp"), "we");
    // rings of 2 MiB: the reader of a peer that keeps writing never finds its ring empty, even if
    // the peer's writer loses its core for a while
    server = MmfTransport.server("end").directory(dir).size("4MiB").build();
    server.start(
        c -> {
          RecordingListener l = new RecordingListener();
          accepted.add(c);
          listeners.add(l);
          return l;
        });
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
    server.close();
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left).as("files left in the runtime directory").isEmpty();
    }
    Files.delete(dir);
    RecordingListener.awaitNoMmfWork(DEADLINE);
  }

  @Test
  void aPeerThatClosesAndKeepsWritingDoesNotKeepTheConnection() throws Exception {
    RawPeer peer = rawPeer();
    Connection connection = nextAccepted();
    RecordingListener listener = listeners.take();
    listener.onEachFrame(MmfPeerEndTest::decodeASmallFrame); // the writer keeps ahead
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong written = new AtomicLong();
    Thread writer =
        new Thread(
            () -> {
              long until = System.nanoTime() + 6 * DEADLINE.toNanos();
              while (!stop.get() && System.nanoTime() - until < 0) {
                int n = peer.writeFrames(written.get(), Integer.MAX_VALUE);
                if (n == 0) {
                  Thread.onSpinWait();
                }
                written.addAndGet(n);
              }
            },
            "mmf-peer-end-writer");
    resources.add(
        () -> {
          stop.set(true);
          writer.join();
        });
    writer.start();
    RecordingListener.await(() -> written.get() > 0, DEADLINE, "the peer to write");

    peer.channel.close(); // the end of stream; the records keep coming

    assertThat(listener.closed.get(DEADLINE.toNanos(), TimeUnit.NANOSECONDS))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("peer closed");
    assertThat(connection.isOpen()).isFalse();
    RecordingListener.await(() -> server.connectionCount() == 0, DEADLINE, "the slot to be free");
    RecordingListener.await(() -> MmfThreads.busy() == 0, DEADLINE, "the reader's worker back");
    // the peer still writes (into a ring that nobody reads now, once it is full)
    assertThat(writer.isAlive()).as("the peer's writer").isTrue();
    assertThat(listener.closedCalls).hasValue(1);
  }

  @Test
  void theFramesPublishedBeforeTheEndAreDeliveredAndNoneWrittenAfterIt() throws Exception {
    RawPeer peer = rawPeer();
    Connection connection = nextAccepted();
    RecordingListener listener = listeners.take();
    CountDownLatch inListener = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    resources.add(release::countDown);
    int beforeEnd = 300; // more than one read round (64 records)
    AtomicInteger slotsAtTheLastFrame = new AtomicInteger(-1);
    listener.onEachFrame(
        () -> {
          inListener.countDown();
          release.await(); // the first frame holds the reader: the rest waits in the ring
          if (listener.frames.size() == beforeEnd - 1) {
            slotsAtTheLastFrame.set(server.connectionCount());
          }
        });
    assertThat(peer.writeFrames(0, 1)).isOne();
    peer.ringData();
    assertThat(inListener.await(DEADLINE.toNanos(), TimeUnit.NANOSECONDS)).isTrue();
    assertThat(peer.writeFrames(1, beforeEnd - 1)).isEqualTo(beforeEnd - 1);

    peer.channel.close();
    RecordingListener.await(() -> !connection.isOpen(), DEADLINE, "the end to be seen");
    assertThat(peer.writeFrames(beforeEnd, 100)).as("written after the end").isEqualTo(100);
    release.countDown();

    assertThat(listener.awaitClosed()).hasMessageContaining("peer closed");
    assertThat(server.connectionCount()).isZero();
    List<Long> delivered = new ArrayList<>();
    for (ByteBuffer frame : listener.frames) {
      delivered.add(frame.order(ByteOrder.nativeOrder()).getLong(0));
    }
    assertThat(delivered).hasSize(beforeEnd);
    for (int i = 0; i < beforeEnd; i++) {
      assertThat(delivered.get(i)).isEqualTo(i);
    }
    assertThat(slotsAtTheLastFrame)
        .as("slots held while the frames left were delivered")
        .hasValue(0);
  }

  @Test
  void aDoorbellByte0xFFIsNotTheEndOfStream() throws Exception {
    RawPeer peer = rawPeer();
    Connection connection = nextAccepted();
    RecordingListener listener = listeners.take();
    RecordingListener.awaitReaderIdle(connection, DEADLINE);

    peer.channel.write(ByteBuffer.wrap(new byte[] {(byte) 0xFF}));
    assertThat(peer.writeFrames(7, 1)).isOne();
    peer.ringData();

    RecordingListener.await(
        () -> !listener.frames.isEmpty() || listener.closed.isDone(),
        DEADLINE,
        "the frame or the end");
    assertThat(listener.closed).as("reported closed").isNotDone();
    assertThat(connection.isOpen()).isTrue();
    assertThat(listener.next().order(ByteOrder.nativeOrder()).getLong(0)).isEqualTo(7);
    assertThat(server.connectionCount()).isOne();
  }

  /** About what a listener spends decoding a small frame: 2 µs, spinning. */
  private static void decodeASmallFrame() {
    long until = System.nanoTime() + 2_000;
    while (System.nanoTime() - until < 0) {
      Thread.onSpinWait();
    }
  }

  /** A peer that makes the rendezvous by hand and writes the client-to-server ring itself. */
  private RawPeer rawPeer() throws Exception {
    SocketChannel raw = SocketChannel.open(StandardProtocolFamily.UNIX);
    resources.add(raw);
    raw.connect(UnixDomainSocketAddress.of(dir.resolve("end.mmf.sock")));
    Rendezvous.Reply reply = Rendezvous.readReply(raw, System.nanoTime() + DEADLINE.toNanos());
    assertThat(reply.status()).isEqualTo(Rendezvous.ACCEPTED);
    ByteBuffer mapping = MmfFiles.open(Path.of(reply.text())).buffer();
    int capacity = RingDescriptor.validate(mapping, mapping.capacity());
    Rendezvous.sendAck(raw);
    return new RawPeer(raw, mapping, capacity);
  }

  private Connection nextAccepted() throws InterruptedException {
    Connection c = accepted.poll(DEADLINE.toNanos(), TimeUnit.NANOSECONDS);
    assertThat(c).as("accepted connection").isNotNull();
    return c;
  }

  private static final class RawPeer {
    final SocketChannel channel;
    private final ByteBuffer mapping;
    private final int capacity;
    private final int ring;
    private long tail;

    RawPeer(SocketChannel channel, ByteBuffer mapping, int capacity) {
      this.channel = channel;
      this.mapping = mapping;
      this.capacity = capacity;
      this.ring = RingDescriptor.ringOffset(RingDescriptor.CLIENT_TO_SERVER, capacity);
      this.tail = (long) LONGS.getVolatile(mapping, ring + RingDescriptor.TAIL_OFFSET);
    }

    /**
     * Writes up to {@code max} frames numbered from {@code first}, as many as the ring has room
     * for, and publishes them at once; rings no doorbell (records never straddle the end of the
     * data area: 16 bytes divide its capacity).
     *
     * @return how many it wrote
     */
    int writeFrames(long first, int max) {
      long head = (long) LONGS.getVolatile(mapping, ring + RingDescriptor.HEAD_OFFSET);
      long t = tail;
      int n = 0;
      while (n < max && t - head + RECORD <= capacity) {
        int at = ring + RingDescriptor.DATA_OFFSET + (int) (t & (capacity - 1));
        LONGS.set(mapping, at, FRAME_HEADER);
        LONGS.set(mapping, at + RingBuffer.RECORD_HEADER_LENGTH, first + n);
        t += RECORD;
        n++;
      }
      if (n > 0) {
        tail = t;
        LONGS.setRelease(mapping, ring + RingDescriptor.TAIL_OFFSET, t);
      }
      return n;
    }

    void ringData() {
      try {
        channel.write(ByteBuffer.wrap(new byte[] {Doorbell.DATA}));
      } catch (IOException closed) {
        // the server may already have closed the connection: the assertions say so
      }
    }
  }
}
