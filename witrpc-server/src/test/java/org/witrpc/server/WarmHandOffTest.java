package org.witrpc.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.witrpc.testkit.Conditions;

/**
 * The warm hand-off in front of the server's executor: tasks all run, a worker spins only for a
 * bounded time after its task and then leaves (the pool's threads park), and a slow task delays no
 * other. A worker whose task came from a connection reads that connection itself ({@link
 * FakeConnection}, a transport's {@code readUntil}) and runs the next task read from it on its own
 * thread; tasks of other connections go to the pool. No timing is asserted.
 */
class WarmHandOffTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final ExecutorService pool =
      Executors.newFixedThreadPool(
          4,
          r -> {
            Thread t = new Thread(r, "warm-test-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
          });

  /** Tasks the warm hand-off gave to the pool. */
  private final AtomicInteger pooled = new AtomicInteger();

  private final Executor countingPool =
      task -> {
        pooled.incrementAndGet();
        pool.execute(task);
      };

  @AfterEach
  void shutdown() {
    pool.shutdownNow();
  }

  @Test
  void everyTaskRunsAndTheWorkerStopsSpinningWhenIdle() throws Exception {
    WarmHandOff warm = new WarmHandOff(pool, 50_000);
    CountDownLatch done = new CountDownLatch(1_000);
    for (int i = 0; i < 1_000; i++) {
      warm.execute(done::countDown);
    }
    // one at a time, as a reader hands off requests of a ping-pong
    for (int i = 0; i < 200; i++) {
      CountDownLatch one = new CountDownLatch(1);
      warm.execute(one::countDown);
      assertThat(one.await(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();

    Conditions.await(() -> !warm.isSpinning(), DEADLINE, "the warm worker to stop spinning");
    Conditions.await(
        () ->
            Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("warm-test-"))
                .allMatch(t -> t.getState() == Thread.State.WAITING),
        DEADLINE,
        "the pool's threads to park");
  }

  @Test
  void aSlowTaskDelaysNoOther() throws Exception {
    WarmHandOff warm = new WarmHandOff(pool, 50_000);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch slowRunning = new CountDownLatch(1);
    warm.execute(
        () -> {
          slowRunning.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    assertThat(slowRunning.await(10, TimeUnit.SECONDS)).isTrue();

    CountDownLatch quick = new CountDownLatch(10);
    for (int i = 0; i < 10; i++) {
      warm.execute(quick::countDown);
    }

    assertThat(quick.await(10, TimeUnit.SECONDS)).isTrue();
    release.countDown();
  }

  @Test
  void noSpinWhenTheBudgetIsZero() throws Exception {
    WarmHandOff warm = new WarmHandOff(pool, 0);
    CountDownLatch done = new CountDownLatch(1);
    warm.execute(done::countDown);

    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(warm.isSpinning()).isFalse();
  }

  @Test
  void theNextRequestOfItsConnectionIsReadAndRunByTheWarmWorker() throws Exception {
    WarmHandOff warm = new WarmHandOff(countingPool, 50_000);
    FakeConnection connection = new FakeConnection(warm);
    int requests = 200;
    List<Thread> ranOn = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch done = new CountDownLatch(requests + 1);
    // back-to-back calls: each reply makes the peer send the next request, which no reader is
    // told of (no doorbell): only a worker that reads the connection finds it
    Runnable reply =
        new Runnable() {
          @Override
          public void run() {
            ranOn.add(Thread.currentThread());
            done.countDown();
            if (done.getCount() > 0) {
              connection.arrive(connection.request(this));
            }
          }
        };

    warm.execute(reply, connection); // the first one, dispatched by the connection's reader

    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(pooled).hasValue(1);
    assertThat(ranOn).hasSize(requests + 1).containsOnly(ranOn.get(0));
    assertThat(connection.deliveredOn).hasSize(requests).containsOnly(ranOn.get(0));
    awaitIdle(warm, connection);
  }

  @Test
  void aTaskOfAnotherConnectionGoesToThePoolWhileTheWorkerReads() throws Exception {
    WarmHandOff warm = new WarmHandOff(countingPool, 50_000);
    FakeConnection reading = new FakeConnection(warm);
    FakeConnection other = new FakeConnection(warm);
    CountDownLatch inDelivery = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<Thread> worker = new AtomicReference<>();
    AtomicReference<Thread> otherRanOn = new AtomicReference<>();
    AtomicReference<Thread> nextRanOn = new AtomicReference<>();
    CountDownLatch otherDone = new CountDownLatch(1);
    CountDownLatch nextDone = new CountDownLatch(1);
    // a frame whose delivery waits (as an inline method may): the worker holds the read meanwhile
    reading.arrive(
        () -> {
          inDelivery.countDown();
          awaitQuietly(release);
          warm.execute(
              () -> {
                nextRanOn.set(Thread.currentThread());
                nextDone.countDown();
              },
              reading);
        });

    warm.execute(() -> worker.set(Thread.currentThread()), reading);
    assertThat(inDelivery.await(10, TimeUnit.SECONDS)).isTrue();
    warm.execute(
        () -> {
          otherRanOn.set(Thread.currentThread());
          otherDone.countDown();
        },
        other);

    assertThat(otherDone.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(otherRanOn.get()).isNotSameAs(worker.get());
    assertThat(pooled).hasValue(2);
    release.countDown();
    assertThat(nextDone.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(nextRanOn.get()).isSameAs(worker.get());
    assertThat(pooled).hasValue(2);
    awaitIdle(warm, reading, other);
  }

  @Test
  void aTaskHandedOverIsRunEvenWhenReadingThrows() throws Exception {
    for (Throwable failure :
        List.of(new IllegalStateException("reader failed"), new StackOverflowError("deep"))) {
      pooled.set(0);
      WarmHandOff warm = new WarmHandOff(countingPool, 50_000);
      FakeConnection connection = new FakeConnection(warm);
      List<Thread> ranOn = Collections.synchronizedList(new ArrayList<>());
      CountDownLatch done = new CountDownLatch(3);
      Runnable task =
          () -> {
            ranOn.add(Thread.currentThread());
            done.countDown();
          };
      connection.arrive(connection.request(task));
      connection.arrive(connection.request(task));
      connection.failAfterDelivery = failure; // every read throws once it has delivered a frame

      warm.execute(task, connection);

      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(ranOn).containsOnly(ranOn.get(0));
      assertThat(pooled).hasValue(1);
      // a read that throws with nothing handed over: the worker withdraws, the next task runs
      connection.failAfterDelivery = null;
      awaitIdle(warm, connection);
      connection.failBeforeDelivery = failure;
      int failedBefore = connection.failures.get();
      CountDownLatch later = new CountDownLatch(2);
      warm.execute(later::countDown, connection);
      Conditions.await(
          () -> connection.failures.get() > failedBefore,
          DEADLINE,
          "a read that throws with nothing handed");
      awaitIdle(warm, connection);
      warm.execute(later::countDown, connection);
      assertThat(later.await(10, TimeUnit.SECONDS)).isTrue();
      awaitIdle(warm, connection);
    }
  }

  @Test
  void framesDeliveredAfterAHandOffOnTheWorkerKnowThatItsTaskWaits() throws Exception {
    // a transport may deliver more frames on the reading worker after the one that handed it a
    // task (a ring's read round, a socket's buffered frames): a request among them must not run
    // inline before the handed task (RequestDispatcher asks handedTaskWaitsOnThisThread)
    WarmHandOff warm = new WarmHandOff(countingPool, 1_000_000_000);
    FakeConnection connection = new FakeConnection(warm);
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch handedRan = new CountDownLatch(1);
    connection.arrive(() -> seen.add("before the hand-off: " + warm.handedTaskWaitsOnThisThread()));
    connection.arrive(connection.request(handedRan::countDown));
    connection.arrive(() -> seen.add("after the hand-off: " + warm.handedTaskWaitsOnThisThread()));
    connection.readAllBeforeDone = true;
    CountDownLatch firstRan = new CountDownLatch(1);

    warm.execute(firstRan::countDown, connection);

    assertThat(firstRan.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(handedRan.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(seen).containsExactly("before the hand-off: false", "after the hand-off: true");
    assertThat(pooled).as("the handed task ran on the worker").hasValue(1);
    assertThat(warm.handedTaskWaitsOnThisThread()).as("another thread").isFalse();
  }

  @Test
  void aTaskHandedToTheWarmWorkerStartsWithoutTheLastTasksInterrupt() throws Exception {
    // a long budget, so that the second task is handed to the worker that ran the first
    WarmHandOff warm = new WarmHandOff(countingPool, 1_000_000_000);
    CountDownLatch firstRan = new CountDownLatch(1);
    warm.execute(
        () -> {
          Thread.currentThread().interrupt(); // user code that leaves its interrupt set
          firstRan.countDown();
        });
    assertThat(firstRan.await(10, TimeUnit.SECONDS)).isTrue();
    Conditions.await(warm::isSpinning, DEADLINE, "the worker to wait for the next task");
    AtomicReference<Boolean> interrupted = new AtomicReference<>();
    CountDownLatch secondRan = new CountDownLatch(1);

    warm.execute(
        () -> {
          interrupted.set(Thread.currentThread().isInterrupted());
          secondRan.countDown();
        });

    assertThat(secondRan.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(pooled).as("handed to the warm worker").hasValue(1);
    assertThat(interrupted.get()).as("interrupt status at the start of the handed task").isFalse();
  }

  @Test
  void whereTheConnectionCannotBeReadTheWorkerSpinsForItsReadersHandOff() throws Exception {
    // a long budget, so that the test's own hand-off comes while the worker still spins
    WarmHandOff warm = new WarmHandOff(countingPool, 1_000_000_000);
    WarmHandOff.Source cannotRead = (done, deadlineNanos) -> false;
    AtomicReference<Thread> first = new AtomicReference<>();
    AtomicReference<Thread> second = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);

    warm.execute(() -> first.set(Thread.currentThread()), cannotRead);
    Conditions.await(warm::isSpinning, DEADLINE, "the worker to spin");
    warm.execute(
        () -> {
          second.set(Thread.currentThread());
          done.countDown();
        },
        cannotRead);

    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(second.get()).isSameAs(first.get());
    assertThat(pooled).hasValue(1);
    Conditions.await(() -> !warm.isSpinning(), DEADLINE, "the worker to stop spinning");
  }

  @Test
  void aReadThatNeverEndsByItselfEndsWithTheWorkersTime() throws Exception {
    WarmHandOff warm = new WarmHandOff(countingPool, 50_000);
    AtomicInteger reading = new AtomicInteger();
    AtomicInteger endedByDone = new AtomicInteger();
    // a transport with frames coming all the time, none for this worker: it reads until done
    WarmHandOff.Source busy =
        (done, deadlineNanos) -> {
          reading.incrementAndGet();
          try {
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() - giveUp < 0) {
              if (done.getAsBoolean()) {
                endedByDone.incrementAndGet();
                return true;
              }
              Thread.onSpinWait();
            }
            return false;
          } finally {
            reading.decrementAndGet();
          }
        };
    CountDownLatch ran = new CountDownLatch(1);

    warm.execute(ran::countDown, busy);

    assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
    Conditions.await(
        () -> endedByDone.get() == 1 && reading.get() == 0 && !warm.isSpinning(),
        DEADLINE,
        "the read to end when the worker's time is up");
  }

  @Test
  void noTaskIsLostOrRunTwiceUnderConcurrentHandOffs() throws Exception {
    WarmHandOff warm = new WarmHandOff(countingPool, 50_000);
    int connections = 3;
    int perSender = 3_000;
    List<FakeConnection> fakes = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      fakes.add(new FakeConnection(warm));
    }
    int senders = connections + 1; // one per connection, and one with tasks of no connection
    AtomicIntegerArray runs = new AtomicIntegerArray(senders * perSender);
    CountDownLatch all = new CountDownLatch(senders * perSender);
    ExecutorService senderThreads = Executors.newFixedThreadPool(senders);
    try {
      for (int s = 0; s < senders; s++) {
        int sender = s;
        senderThreads.execute(
            () -> {
              for (int i = 0; i < perSender; i++) {
                int id = sender * perSender + i;
                Runnable task =
                    () -> {
                      runs.incrementAndGet(id);
                      all.countDown();
                    };
                if (sender < connections) {
                  FakeConnection connection = fakes.get(sender);
                  connection.send(connection.request(task));
                } else {
                  warm.execute(task);
                }
                if (i % 64 == 0) {
                  Thread
                      .yield(); // vary the interleaving: sometimes a worker is warm, sometimes not
                }
              }
            });
      }
      assertThat(all.await(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      senderThreads.shutdownNow();
    }
    for (int i = 0; i < runs.length(); i++) {
      assertThat(runs.get(i)).as("runs of task %d", i).isEqualTo(1);
    }
    awaitIdle(warm, fakes.toArray(new FakeConnection[0]));
    for (FakeConnection connection : fakes) {
      assertThat(connection.queued()).isZero();
    }
  }

  /** Waits until no worker waits and no thread reads any of the connections. */
  private static void awaitIdle(WarmHandOff warm, FakeConnection... connections) {
    Conditions.await(
        () -> !warm.isSpinning() && Arrays.stream(connections).allMatch(c -> c.readers.get() == 0),
        DEADLINE,
        "no warm worker and no reader");
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A connection as a transport makes it, for {@link WarmHandOff}: frames (here, code run at
   * delivery) are delivered by whoever holds its reader role, one at a time, in order: the sending
   * thread plays the connection's own reader when no one else reads ({@link #send}), and a caller
   * of {@link #readUntil} takes the role while it reads, checking {@code done} after every frame. A
   * request frame dispatches its task to the warm hand-off, as {@code RequestDispatcher} does.
   *
   * <p>Thread safety: safe for concurrent use.
   */
  private static final class FakeConnection implements WarmHandOff.Source {
    private final WarmHandOff warm;
    private final ReentrantLock role = new ReentrantLock();
    private final ConcurrentLinkedQueue<Runnable> frames = new ConcurrentLinkedQueue<>();
    final AtomicInteger readers = new AtomicInteger();
    final AtomicInteger failures = new AtomicInteger();
    final List<Thread> deliveredOn = Collections.synchronizedList(new ArrayList<>());
    volatile Throwable failAfterDelivery;
    volatile Throwable failBeforeDelivery;

    /** Delivers every queued frame before it looks at {@code done}, as a ring's read round does. */
    volatile boolean readAllBeforeDone;

    FakeConnection(WarmHandOff warm) {
      this.warm = warm;
    }

    /** A frame whose delivery dispatches {@code task} as a request of this connection. */
    Runnable request(Runnable task) {
      return () -> {
        deliveredOn.add(Thread.currentThread());
        warm.execute(task, this);
      };
    }

    /** A frame comes in that no reader is told of: read by the next {@link #readUntil}. */
    void arrive(Runnable frame) {
      frames.add(frame);
    }

    /** A frame comes in; the sending thread delivers it if no one reads (the reader's part). */
    void send(Runnable frame) {
      frames.add(frame);
      deliverIfNoReader();
    }

    int queued() {
      return frames.size();
    }

    private void deliverIfNoReader() {
      // Dekker with readUntil's exit: frame queued then tryLock here, unlock then look there
      while (!frames.isEmpty() && role.tryLock()) {
        try {
          for (Runnable frame; (frame = frames.poll()) != null; ) {
            frame.run();
          }
        } finally {
          role.unlock();
        }
      }
    }

    @Override
    public boolean readUntil(BooleanSupplier done, long deadlineNanos) {
      if (!role.tryLock()) {
        return done.getAsBoolean();
      }
      readers.incrementAndGet();
      try {
        throwIfSet(failBeforeDelivery);
        while (!done.getAsBoolean()) {
          if (readAllBeforeDone && !frames.isEmpty()) {
            for (Runnable frame; (frame = frames.poll()) != null; ) {
              frame.run();
            }
            continue;
          }
          Runnable frame = frames.poll();
          if (frame != null) {
            frame.run();
            throwIfSet(failAfterDelivery);
          } else if (System.nanoTime() - deadlineNanos >= 0) {
            break;
          } else {
            Thread.onSpinWait();
          }
        }
      } finally {
        readers.decrementAndGet();
        role.unlock();
      }
      deliverIfNoReader();
      return done.getAsBoolean();
    }

    private void throwIfSet(Throwable failure) {
      if (failure == null) {
        return;
      }
      failures.incrementAndGet();
      if (failure instanceof Error e) {
        throw e;
      }
      throw (RuntimeException) failure;
    }
  }
}
