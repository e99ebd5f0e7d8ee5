package org.witrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.witrpc.WitTransportException;
import org.witrpc.spi.Connection;

/** The outbound queue keeps senders free of a stuck transport, keeps order, and is bounded. */
@Timeout(60)
class OutboundQueueTest {
  private final StuckableConnection connection = new StuckableConnection();
  private final OutboundQueue queue = new OutboundQueue(connection);

  @AfterEach
  void unstick() {
    connection.resume();
  }

  @Test
  void sendsDirectlyWhileTheTransportTakesFrames() {
    for (int i = 0; i < 100; i++) {
      queue.send(frame(i));
    }
    assertThat(connection.sequence()).hasSize(100);
    assertThat(connection.writerThreads()).as("frames sent by a queue writer").isZero();
    assertThat(queue.backlog()).isZero();
  }

  @Test
  void aStuckTransportHoldsASenderOnceAndTheQueuedFramesLeaveInOrder() throws Exception {
    queue.send(frame(0));
    connection.stick();
    long start = System.nanoTime();
    for (int i = 1; i <= 200; i++) {
      queue.send(frame(i));
    }
    long took = System.nanoTime() - start;
    // the first send waited DIRECT_WAIT for the transport, the other 199 none: far below 200 waits
    assertThat(Duration.ofNanos(took))
        .as("time for 200 sends to a stuck transport")
        .isLessThan(OutboundQueue.DIRECT_WAIT.multipliedBy(20));
    assertThat(queue.backlog()).isPositive();

    connection.resume();
    await("every frame sent", () -> connection.sequence().size() == 201);
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i <= 200; i++) {
      expected.add(i);
    }
    assertThat(connection.sequence()).containsExactlyElementsOf(expected);
    await("the queue is empty", () -> queue.backlog() == 0);
    // with nothing waiting, frames go out directly again
    int writerFrames = connection.writerThreads();
    queue.send(frame(201));
    assertThat(connection.writerThreads()).isEqualTo(writerFrames);
  }

  /**
   * A frame above the connection's limit is refused to its sender at once, also behind queued
   * frames (queued, it would have been refused on the writer, where its sender never hears of it);
   * the frames around it go on.
   */
  @Test
  void aFrameTooLargeIsRefusedToItsSenderEvenBehindQueuedFrames() throws Exception {
    connection.stick();
    queue.send(frame(0)); // waits DIRECT_WAIT, then is queued
    assertThat(queue.backlog()).isPositive();
    connection.maxSend = 16;

    assertThatThrownBy(() -> queue.send(ByteBuffer.allocate(32).putInt(0, 99)))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("cannot send a frame of 32 bytes: the maximum frame size is 16");
    assertThatThrownBy(() -> queue.sendBefore(System.nanoTime(), ByteBuffer.allocate(17)))
        .isInstanceOf(WitTransportException.class);

    queue.send(frame(1));
    connection.resume();
    await("both frames sent", () -> connection.sequence().size() == 2);
    assertThat(connection.sequence()).containsExactly(0, 1);
  }

  /**
   * Above the peer's announced limit, a frame is refused unsent, naming the peer, whether it would
   * go directly or behind queued frames; where the connection's own limit is the smaller, its own
   * refusal stands; the frames around them go on.
   */
  @Test
  void aFrameAboveThePeersLimitIsRefusedUnsentNamingThePeer() throws Exception {
    queue.peerMaxFrameSize("the server", 24, 0);

    assertThatThrownBy(() -> queue.send(ByteBuffer.allocate(25)))
        .isInstanceOf(WitTransportException.class)
        .hasMessageEndingWith(
            ": cannot send a frame of 25 bytes: the server accepts at most 24 bytes (its"
                + " maxFrameSize, announced in the handshake); nothing was sent");
    assertThat(queue.refusal(ByteBuffer.allocate(20), ByteBuffer.allocate(5))).isNotNull();
    assertThat(queue.refusal(ByteBuffer.allocate(24))).isNull();
    queue.send(frame(0));
    connection.stick();
    queue.send(frame(1)); // waits DIRECT_WAIT, then is queued
    assertThatThrownBy(() -> queue.sendBefore(System.nanoTime(), ByteBuffer.allocate(30)))
        .hasMessageContaining("the server accepts at most 24 bytes");
    connection.maxSend = 16;
    assertThatThrownBy(() -> queue.send(ByteBuffer.allocate(20)))
        .hasMessageContaining("the maximum frame size is 16");

    connection.resume();
    await("both frames sent", () -> connection.sequence().size() == 2);
    assertThat(connection.sequence()).containsExactly(0, 1);
  }

  /** On a sealed connection the peer's limit counts the tag: 16 bytes fewer fit, and it says so. */
  @Test
  void aSealedFramesRoomUnderThePeersLimitLeavesRoomForTheTag() {
    queue.peerMaxFrameSize("the client", 40, 16);

    queue.send(ByteBuffer.allocate(24));
    assertThatThrownBy(() -> queue.send(ByteBuffer.allocate(25)))
        .hasMessageEndingWith(
            ": cannot send a frame of 25 bytes: the client accepts at most 40 bytes (its"
                + " maxFrameSize, announced in the handshake), 24 before the 16-byte seal;"
                + " nothing was sent");
    assertThat(connection.sequence()).hasSize(1);
  }

  /** A queued frame the transport refuses (the connection open) is dropped alone. */
  @Test
  void aQueuedFrameTheTransportRefusesIsDroppedAloneAndTheOthersFollow() throws Exception {
    connection.stick();
    for (int i = 0; i < 4; i++) {
      queue.send(frame(i));
    }
    connection.refuse = 1;
    connection.resume();

    await("the other frames sent", () -> connection.sequence().size() == 3);
    await("the queue is empty", () -> queue.backlog() == 0);
    assertThat(connection.sequence()).containsExactly(0, 2, 3);
    queue.send(frame(4));
    assertThat(connection.sequence()).containsExactly(0, 2, 3, 4);
  }

  @Test
  void aPeerFarBehindIsDisconnectedInsteadOfQueueingWithoutBound() {
    connection.stick();
    ByteBuffer large = ByteBuffer.allocate(8 << 20);
    assertThatThrownBy(
            () -> {
              for (int i = 0; i < 100; i++) {
                queue.send(large.duplicate());
              }
            })
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("reads far slower")
        .hasMessageContaining("64 MiB");
    assertThat(connection.isOpen()).isFalse();
  }

  @Test
  void oneFrameLargerThanTheBoundIsStillQueued() {
    connection.stick();
    queue.send(ByteBuffer.allocate((int) OutboundQueue.MAX_QUEUED_BYTES + 1));
    assertThat(connection.isOpen()).isTrue();
    assertThat(queue.backlog()).isEqualTo(1);
  }

  @Test
  void aSenderWithADeadlineWithdrawsItsQueuedFrame() throws Exception {
    connection.stick();
    queue.send(frame(0)); // queued after DIRECT_WAIT: the backlog exists from now on
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
    assertThat(queue.sendBefore(deadline, frame(1))).isFalse();
    queue.send(frame(2));
    connection.resume();
    await("the queue is empty", () -> queue.backlog() == 0);
    assertThat(connection.sequence()).containsExactly(0, 2);
  }

  @Test
  void anInterruptedSenderWithADeadlineWithdrawsAndKeepsItsInterrupt() {
    connection.stick();
    queue.send(frame(0));
    Thread.currentThread().interrupt();
    try {
      long farAway = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
      assertThat(queue.sendBefore(farAway, frame(1))).isFalse();
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  private static ByteBuffer frame(int sequence) {
    return ByteBuffer.allocate(16).putInt(0, sequence);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as(what + " within 10 s").isNegative();
      Thread.onSpinWait();
      Thread.yield();
    }
  }

  /** A connection whose transport can be made to take nothing, like a peer that stopped reading. */
  private static final class StuckableConnection implements Connection {
    private final List<Integer> sequence = new CopyOnWriteArrayList<>();
    private final List<String> senders = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch stuck = new CountDownLatch(0);
    private volatile boolean open = true;

    /** What {@link #maxSendFrameSize} says. */
    volatile int maxSend = Integer.MAX_VALUE;

    /** The sequence number of a frame that {@link #send} refuses, the connection staying open. */
    volatile int refuse = -1;

    @Override
    public int maxSendFrameSize() {
      return maxSend;
    }

    void stick() {
      stuck = new CountDownLatch(1);
    }

    void resume() {
      stuck.countDown();
    }

    List<Integer> sequence() {
      return sequence;
    }

    int writerThreads() {
      return (int) senders.stream().filter(n -> n.startsWith("witrpc-send-queue-")).count();
    }

    private void take(ByteBuffer[] parts) {
      sequence.add(parts[0].getInt(parts[0].position()));
      senders.add(Thread.currentThread().getName());
    }

    @Override
    public void send(ByteBuffer... parts) {
      try {
        stuck.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new WitTransportException("interrupted");
      }
      if (parts[0].getInt(parts[0].position()) == refuse) {
        throw new WitTransportException("refused, nothing sent");
      }
      take(parts);
    }

    @Override
    public boolean sendBefore(long deadlineNanos, ByteBuffer... parts) {
      if (!open) {
        throw new WitTransportException("closed");
      }
      try {
        if (Thread.currentThread().isInterrupted()
            || !stuck.await(deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS)) {
          return false;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      take(parts);
      return true;
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() {
      open = false;
      resume();
    }

    @Override
    public String description() {
      return "stuckable";
    }
  }
}
