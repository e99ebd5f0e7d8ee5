package org.witrpc.transport.mmf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.witrpc.WitException;
import org.witrpc.client.WitClient;
import org.witrpc.server.Dispatch;
import org.witrpc.server.WitServer;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.ServerTransport;

/**
 * {@code EXECUTOR} dispatch over {@code mmf://} with the server's own executor: between two
 * requests its warm worker reads the connection itself (the server's {@code WarmHandOff} calling
 * {@code Connection.readUntil}) and runs the next request on its own thread. Seen from here: frames
 * are delivered on a {@code witrpc-server-} thread, not only by the connection's reader task. The
 * calls must come back right and in order, a CANCEL must still reach a running call, and closing
 * the server while a worker reads must end every thread that served a call.
 */
class MmfExecutorDispatchTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /**
   * On JDK 21-23 the server's default executor runs virtual threads, and a virtual warm worker
   * there does not read (an inline method blocking in {@code synchronized} would pin its carrier):
   * it only spins, which {@code WarmHandOffTest} covers. JDK 17-20 (a pool of platform threads) and
   * 24+ read.
   */
  @BeforeEach
  void warmWorkerReadsOnThisJdk() {
    int feature = Runtime.version().feature();
    Assumptions.assumeFalse(
        feature >= 21 && feature < 24, "a virtual warm worker does not read on JDK " + feature);
  }

  /** Enough back-to-back calls for the warm worker to read the connection many times. */
  private static final int MAX_CALLS = 50_000;

  private final List<AutoCloseable> resources = new ArrayList<>();

  /** What the test's server offers. */
  public interface Probe {
    /** Returns {@code a + b}; records {@code a} in the order calls arrive. */
    int add(int a, int b);

    /** Waits until the call is cancelled (its thread interrupted) or 30 s pass. */
    String block();
  }

  /**
   * Records the threads that ran calls, the order of {@code add}'s first arguments, and a {@link
   * #block} call's start and interrupt.
   *
   * <p>Thread safety: safe for concurrent use.
   */
  static final class ProbeImpl implements Probe {
    final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    final List<Integer> order = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch blockStarted = new CountDownLatch(1);
    final CountDownLatch blockInterrupted = new CountDownLatch(1);
    volatile boolean recordOrder;

    @Override
    public int add(int a, int b) {
      threads.add(Thread.currentThread());
      if (recordOrder) {
        order.add(a);
      }
      return a + b;
    }

    @Override
    public String block() {
      threads.add(Thread.currentThread());
      blockStarted.countDown();
      try {
        Thread.sleep(TimeUnit.SECONDS.toMillis(30));
        return "not cancelled";
      } catch (InterruptedException e) {
        blockInterrupted.countDown();
        return "interrupted";
      }
    }
  }

  /**
   * The mmf server transport, counting the frames delivered on a thread of the server's executor.
   *
   * <p>Thread safety: as the transport it wraps.
   */
  static final class WatchedTransport implements ServerTransport {
    final ServerTransport transport;
    final AtomicInteger deliveredByWorker = new AtomicInteger();

    WatchedTransport(ServerTransport transport) {
      this.transport = transport;
    }

    @Override
    public void start(Acceptor acceptor) {
      transport.start(connection -> watch(acceptor.accept(connection)));
    }

    private FrameListener watch(FrameListener listener) {
      return new FrameListener() {
        @Override
        public void onFrame(ByteBuffer frame) {
          if (Thread.currentThread().getName().startsWith("witrpc-server-")) {
            deliveredByWorker.incrementAndGet();
          }
          listener.onFrame(frame);
        }

        @Override
        public void onClosed(Throwable cause) {
          listener.onClosed(cause);
        }

        @Override
        public boolean onFrameIfQuick(ByteBuffer frame) {
          return listener.onFrameIfQuick(frame);
        }

        @Override
        public boolean neverBlocks() {
          return listener.neverBlocks();
        }
      };
    }

    @Override
    public void close() {
      transport.close();
    }

    @Override
    public String address() {
      return transport.address();
    }
  }

  private final ProbeImpl impl = new ProbeImpl();
  private WatchedTransport transport;
  private WitServer server;
  private String name;

  @AfterEach
  void closeAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private void startServer(String test) {
    name = "med" + ProcessHandle.current().pid() + test;
    transport = new WatchedTransport(MmfTransport.server(name).build());
    server =
        WitServer.builder()
            .service(Probe.class, impl)
            .transport(transport)
            .dispatch(Dispatch.EXECUTOR)
            .build();
    resources.add(server::close);
    server.start();
  }

  private Probe connect() {
    WitClient client = WitClient.builder().transport("mmf://" + name).timeout(TIMEOUT).build();
    resources.add(client::close);
    client.connect(TIMEOUT);
    return client.service(Probe.class);
  }

  /**
   * Calls {@code add} back to back until the warm worker has read {@code frames} frames (or {@link
   * #MAX_CALLS} calls), checking every result; returns the calls made.
   */
  private int callUntilTheWorkerRead(Probe probe, int frames, int first) {
    int calls = 0;
    while (calls < MAX_CALLS && transport.deliveredByWorker.get() < frames) {
      int a = first + calls;
      assertThat(probe.add(a, 1)).isEqualTo(a + 1);
      calls++;
    }
    return calls;
  }

  @Test
  void backToBackCallsAreReadAndRunByTheWarmWorkerRightAndInOrder() throws Exception {
    startServer("b");
    Probe probe = connect();
    impl.recordOrder = true;

    int calls = callUntilTheWorkerRead(probe, 200, 0);

    assertThat(transport.deliveredByWorker.get())
        .as("frames read by a warm worker in %d back-to-back calls", calls)
        .isGreaterThanOrEqualTo(200);
    impl.recordOrder = false;
    List<Integer> order = List.copyOf(impl.order);
    assertThat(order).hasSize(calls);
    for (int i = 0; i < calls; i++) {
      assertThat(order.get(i)).isEqualTo(i);
    }

    // several callers on two connections at once: the worker takes only its own connection's
    // requests, the others go to the pool; every one is answered right
    Probe other = connect();
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        Probe p = t % 2 == 0 ? probe : other;
        int base = t * 1_000_000;
        results.add(
            callers.submit(
                () -> {
                  int right = 0;
                  for (int i = 0; i < 2_000; i++) {
                    if (p.add(base + i, 7) == base + i + 7) {
                      right++;
                    }
                  }
                  return right;
                }));
      }
      for (Future<Integer> result : results) {
        assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo(2_000);
      }
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void aCancelReachesARunningCallWhileTheWarmWorkerReads() throws Exception {
    startServer("c");
    Probe probe = connect();
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try {
      Future<String> blocked = caller.submit(probe::block);
      assertThat(impl.blockStarted.await(30, TimeUnit.SECONDS)).isTrue();
      int before = transport.deliveredByWorker.get();
      callUntilTheWorkerRead(probe, before + 50, 0);

      blocked.cancel(true); // the caller's interrupt: its client sends CANCEL

      assertThat(impl.blockInterrupted.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(transport.deliveredByWorker.get()).isGreaterThanOrEqualTo(before + 50);
      callUntilTheWorkerRead(probe, transport.deliveredByWorker.get() + 50, 100);
    } finally {
      caller.shutdownNow();
    }
  }

  @Test
  void closingTheServerWhileAWorkerReadsEndsEveryThreadThatServedACall() throws Exception {
    startServer("x");
    Probe probe = connect();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> callerEnd = new AtomicReference<>();
    Thread caller =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < 10_000_000 && !stop.get(); i++) {
                  probe.add(i, 1);
                }
              } catch (Throwable t) {
                callerEnd.set(t);
              }
            },
            "executor-dispatch-test-caller");
    caller.start();
    try {
      RecordingListener.await(
          () -> transport.deliveredByWorker.get() >= 100 || !caller.isAlive(),
          TIMEOUT,
          "a warm worker to read");
      assertThat(transport.deliveredByWorker.get()).isGreaterThanOrEqualTo(100);

      Thread closer = new Thread(server::close, "executor-dispatch-test-closer");
      closer.start();
      closer.join(TIMEOUT.toMillis());
      assertThat(closer.isAlive()).as("close still running after %s", TIMEOUT).isFalse();
    } finally {
      stop.set(true);
      caller.join(TIMEOUT.toMillis());
    }
    assertThat(caller.isAlive()).isFalse();
    assertThat(callerEnd.get()).isInstanceOf(WitException.class);
    Set<Thread> served = Set.copyOf(impl.threads);
    assertThat(served).isNotEmpty();
    RecordingListener.await(
        () -> served.stream().noneMatch(Thread::isAlive),
        TIMEOUT,
        "every thread that served a call to end");
  }
}
