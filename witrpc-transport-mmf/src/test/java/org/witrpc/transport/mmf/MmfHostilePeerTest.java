package org.witrpc.transport.mmf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.witrpc.WitTransportException;
import org.witrpc.spi.Connection;
import org.witrpc.spi.FrameListener;

/**
 * A third party (or a broken peer) scribbles on the LIVE mapping of one connection while another
 * client of the same server keeps working: the victim connection closes with an error that says
 * what is corrupt, the other connection keeps exchanging frames, and the server accepts new
 * clients. The test reaches the mapping through {@link MmfConnection#mappingForTests()}, since the
 * file is unlinked right after the handshake.
 */
class MmfHostilePeerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** A record type no ring writes: 0xDEAD. */
  private static final int BAD_TYPE = 0xDEAD;

  private Path dir;
  private MmfServerTransport server;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final BlockingQueue<RecordingListener> serverSides = new LinkedBlockingQueue<>();

  @BeforeEach
  void startEchoServer() throws Exception {
    // @TempDir paths can be long; Unix socket paths are limited to ~100 bytes.
    dir = Files.createTempDirectory(Path.of("/tmp"), "wh");
    server = MmfTransport.server("hostile").directory(dir).size("64KiB").build();
    resources.add(server);
    server.start(
        c -> {
          RecordingListener recorded = new RecordingListener();
          serverSides.add(recorded);
          return new FrameListener() {
            @Override
            public void onFrame(ByteBuffer frame) {
              recorded.onFrame(frame.duplicate());
              c.send(frame);
            }

            @Override
            public void onClosed(Throwable cause) {
              recorded.onClosed(cause);
            }
          };
        });
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left).as("files left in the runtime directory").isEmpty();
    }
    Files.delete(dir);
  }

  @Test
  void garbageReadByTheReaderTaskClosesOnlyTheVictim() throws Exception {
    // No readUntil caller here: it is the reader task that meets the garbage, spinning or asked
    // for.
    RecordingListener victimEvents = new RecordingListener();
    MmfConnection victim = connect(victimEvents, MmfTransport.DEFAULT_SPIN_BUDGET);
    RecordingListener victimServerSide = serverSides.take();
    RecordingListener otherEvents = new RecordingListener();
    MmfConnection other = connect(otherEvents, MmfTransport.DEFAULT_SPIN_BUDGET);
    serverSides.take();
    echo(victim, victimEvents, 1);
    echo(other, otherEvents, 1);

    scribbleOnInboundRing(victim);
    // No doorbell announces the garbage: the reader is asked for as a spurious DATA byte would.
    victim.wakeReaderForTests();

    assertVictimClosedAsCorrupt(victim, victimEvents, victimServerSide);
    assertOthersUnharmed(other, otherEvents);
  }

  @Test
  void garbageReadByAReadUntilCallerClosesOnlyTheVictim() throws Exception {
    RecordingListener victimEvents = new RecordingListener();
    MmfConnection victim = connect(victimEvents, MmfTransport.DEFAULT_SPIN_BUDGET);
    RecordingListener victimServerSide = serverSides.take();
    RecordingListener otherEvents = new RecordingListener();
    MmfConnection other = connect(otherEvents, MmfTransport.DEFAULT_SPIN_BUDGET);
    serverSides.take();
    echo(victim, victimEvents, 1);
    echo(other, otherEvents, 1);

    awaitReaderIdle(victim);
    scribbleOnInboundRing(victim);
    // A caller waiting for a reply takes the reader role and meets the garbage itself.
    boolean done = victim.readUntil(() -> false, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));

    assertThat(done).isFalse();
    assertVictimClosedAsCorrupt(victim, victimEvents, victimServerSide);
    assertOthersUnharmed(other, otherEvents);
  }

  private MmfConnection connect(RecordingListener listener, Duration spin) {
    Connection c =
        MmfTransport.client("hostile")
            .directory(dir)
            .spinBudget(spin)
            .build()
            .connect(listener, TIMEOUT);
    resources.add(c::close);
    return (MmfConnection) c;
  }

  /**
   * Waits until the victim's reader has announced that it waits (the flag in the mapping) and given
   * its thread back, so that the garbage is met by the next reader, not by a still spinning one.
   */
  private static void awaitReaderIdle(MmfConnection victim) {
    ByteBuffer mapping = victim.mappingForTests().order(ByteOrder.nativeOrder());
    int capacity = (int) mapping.getLong(RingDescriptor.CAPACITY_OFFSET);
    int flag =
        RingDescriptor.ringOffset(RingDescriptor.SERVER_TO_CLIENT, capacity)
            + RingDescriptor.READER_WAITING_OFFSET;
    RecordingListener.await(
        () -> mapping.getLong(flag) == 1 && victim.readerIdleForTests(),
        TIMEOUT,
        "the reader of " + victim + " to go idle");
  }

  /** Sends {@code count} frames and waits for their echoes. */
  private static void echo(Connection c, RecordingListener events, int count) throws Exception {
    for (int i = 0; i < count; i++) {
      c.send(ByteBuffer.allocate(8).putLong(0, i));
      assertThat(events.next().getLong(0)).isEqualTo(i);
    }
  }

  /**
   * Fills the unread part of the victim's inbound ring with random bytes under a record header of a
   * type no ring writes, and publishes it as the producer would. The server has nothing in flight
   * for the victim, so nobody else writes this ring meanwhile.
   */
  private static void scribbleOnInboundRing(MmfConnection victim) {
    ByteBuffer mapping = victim.mappingForTests().order(ByteOrder.nativeOrder());
    int capacity = (int) mapping.getLong(RingDescriptor.CAPACITY_OFFSET);
    int ring = RingDescriptor.ringOffset(RingDescriptor.SERVER_TO_CLIENT, capacity);
    long tail = mapping.getLong(ring + RingDescriptor.TAIL_OFFSET);
    int data = ring + RingDescriptor.DATA_OFFSET;
    int index = (int) (tail & (capacity - 1));
    byte[] garbage = new byte[capacity - index];
    new Random(42).nextBytes(garbage);
    mapping.put(data + index, garbage);
    mapping.putLong(data + index, ((long) BAD_TYPE << 32) | 24);
    mapping.putLong(ring + RingDescriptor.TAIL_OFFSET, tail + 32);
  }

  private static void assertVictimClosedAsCorrupt(
      MmfConnection victim, RecordingListener events, RecordingListener serverSide)
      throws Exception {
    assertThat(events.awaitClosed())
        .isInstanceOf(WitTransportException.class)
        .hasMessageStartingWith("corrupt shared-memory ring: ")
        .hasMessageContaining("type " + BAD_TYPE);
    assertThat(events.closedCalls).hasValue(1);
    assertThat(victim.isOpen()).isFalse();
    assertThatThrownBy(() -> victim.send(ByteBuffer.allocate(1)))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("is closed: corrupt shared-memory ring");
    // The server sees the victim go away like any peer that closes.
    assertThat(serverSide.awaitClosed()).isInstanceOf(WitTransportException.class);
  }

  private void assertOthersUnharmed(MmfConnection other, RecordingListener otherEvents)
      throws Exception {
    echo(other, otherEvents, 200);
    assertThat(other.isOpen()).isTrue();
    assertThat(otherEvents.closed).isNotDone();
    RecordingListener.await(
        () -> server.connectionCount() == 1, TIMEOUT, "the victim's server side to be released");
    RecordingListener newcomerEvents = new RecordingListener();
    MmfConnection newcomer = connect(newcomerEvents, MmfTransport.DEFAULT_SPIN_BUDGET);
    echo(newcomer, newcomerEvents, 10);
    assertThat(server.connectionCount()).isEqualTo(2);
  }
}
