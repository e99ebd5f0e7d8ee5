package org.witrpc.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.witrpc.Listener;
import org.witrpc.MemTransport;
import org.witrpc.WitTransportException;
import org.witrpc.server.WitServer;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.Connection;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.ValueSpan;

/**
 * A call made in the instant between the end of the client's connection and the client's knowing of
 * it (its frame refused by the ended connection, so surely never sent) waits, within its timeout,
 * for the next connection instead of failing: it is a call made while reconnecting. The instant is
 * held open by a transport that reports a connection's end only when the test opens a gate.
 */
class EndedConnectionCallsTest {
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** A counter with a synchronous and an asynchronous call and a listener. */
  public interface Counter {
    int next();

    CompletableFuture<Integer> nextAsync();

    void addCountListener(CountListener l);

    void removeCountListener(CountListener l);

    void tick(int n);
  }

  /** Receives ticks. */
  @Listener
  public interface CountListener {
    void onTick(int n);
  }

  static final class CounterImpl implements Counter {
    final AtomicInteger calls = new AtomicInteger();
    final List<CountListener> listeners = new CopyOnWriteArrayList<>();

    @Override
    public int next() {
      return calls.incrementAndGet();
    }

    @Override
    public CompletableFuture<Integer> nextAsync() {
      return CompletableFuture.completedFuture(calls.incrementAndGet());
    }

    @Override
    public void addCountListener(CountListener l) {
      listeners.add(l);
    }

    @Override
    public void removeCountListener(CountListener l) {
      listeners.remove(l);
    }

    @Override
    public void tick(int n) {
      listeners.forEach(l -> l.onTick(n));
    }
  }

  private final String name = "ended-connection-" + NAMES.incrementAndGet();
  private final String uri = "mem://" + name;
  private final GatedTransport transport = new GatedTransport(MemTransport.client(name));
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final List<Thread> callers = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    transport.open();
    for (Thread caller : callers) {
      caller.join(WAIT.toMillis());
    }
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  @Test
  void aCallWhoseConnectionEndedUnreportedWaitsForTheNextConnection() throws Exception {
    CounterImpl first = new CounterImpl();
    WitServer server = server(first);
    Counter counter = connectedClient(true).service(Counter.class);
    endConnectionUnreported(server);

    CompletableFuture<Integer> call = callOnThread(counter::next);

    CounterImpl second = new CounterImpl();
    transport.open();
    server(second);
    assertThat(call.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(first.calls).as("calls the old server got").hasValue(0);
  }

  @Test
  void anAsyncCallWhoseConnectionEndedUnreportedWaitsForTheNextConnection() throws Exception {
    CounterImpl first = new CounterImpl();
    WitServer server = server(first);
    Counter counter = connectedClient(true).service(Counter.class);
    endConnectionUnreported(server);

    CompletableFuture<Integer> call = counter.nextAsync();
    assertThat(call).as("the call waits for the next connection").isNotDone();

    transport.open();
    server(new CounterImpl());
    assertThat(call.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(first.calls).hasValue(0);
  }

  @Test
  void aListenerAddedAsTheConnectionEndsIsSubscribedOnceOnTheNextConnection() throws Exception {
    WitServer server = server(new CounterImpl());
    Counter counter = connectedClient(true).service(Counter.class);
    endConnectionUnreported(server);
    List<Integer> ticks = new CopyOnWriteArrayList<>();

    CompletableFuture<Integer> added =
        callOnThread(
            () -> {
              counter.addCountListener(ticks::add);
              return 0;
            });

    CounterImpl second = new CounterImpl();
    transport.open();
    server(second);
    added.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(second.listeners).hasSize(1);
    counter.tick(1);
    counter.tick(2);
    RpcContractHarness.await("both ticks", () -> ticks.contains(2));
    assertThat(ticks).as("ticks, each once").containsExactly(1, 2);
  }

  @Test
  void withoutAutoReconnectSuchACallFailsAsDisconnectedOnceTheEndIsReported() throws Exception {
    WitServer server = server(new CounterImpl());
    Counter counter = connectedClient(false).service(Counter.class);
    endConnectionUnreported(server);

    CompletableFuture<Integer> call = callOnThread(counter::next);

    transport.open();
    assertThat(call)
        .failsWithin(WAIT)
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOf(WitTransportException.class)
        .withMessageContaining("Counter.next()")
        .withMessageContaining("disconnected from");
  }

  private WitServer server(CounterImpl impl) {
    WitServer server = WitServer.builder().service(Counter.class, impl).transport(uri).build();
    closeables.add(server);
    return server.start();
  }

  private WitClient connectedClient(boolean autoReconnect) {
    WitClient.Builder b = WitClient.builder().transport(transport).timeout(WAIT);
    if (autoReconnect) {
      b.autoReconnect(ReconnectPolicy.exponential(Duration.ofMillis(5), Duration.ofMillis(50)));
    }
    WitClient client = b.build();
    closeables.add(client);
    return client.connect(WAIT);
  }

  /** Closes the server; the client's connection ends, and its end waits at the gate. */
  private void endConnectionUnreported(WitServer server) throws InterruptedException {
    server.close();
    assertThat(transport.ending.await(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .as("the connection's end reached the gate")
        .isTrue();
  }

  /**
   * Runs {@code call} on a thread of its own and returns once the call waits there; a call that
   * fails or returns at once has its outcome in the future already.
   */
  private CompletableFuture<Integer> callOnThread(Supplier<Integer> call) {
    CompletableFuture<Integer> outcome = new CompletableFuture<>();
    Thread caller =
        new Thread(
            () -> {
              try {
                outcome.complete(call.get());
              } catch (Throwable e) {
                outcome.completeExceptionally(e);
              }
            },
            "caller");
    caller.setDaemon(true);
    callers.add(caller);
    caller.start();
    RpcContractHarness.await(
        "the call waiting or done",
        () -> outcome.isDone() || caller.getState() == Thread.State.TIMED_WAITING);
    assertThat(outcome).as("the call waits for the next connection").isNotDone();
    return outcome;
  }

  /** Connections whose end reaches the client only after {@link #open()}. */
  private static final class GatedTransport implements ClientTransport {
    private final ClientTransport inner;
    private final CountDownLatch gate = new CountDownLatch(1);
    final CountDownLatch ending = new CountDownLatch(1);

    GatedTransport(ClientTransport inner) {
      this.inner = inner;
    }

    void open() {
      gate.countDown();
    }

    @Override
    public Connection connect(FrameListener listener, Duration timeout) {
      return inner.connect(
          new FrameListener() {
            @Override
            public void onFrame(ByteBuffer frame) {
              listener.onFrame(frame);
            }

            @Override
            public ValueSpan largeValueSpan(ByteBuffer head, int frameLength) {
              return listener.largeValueSpan(head, frameLength);
            }

            @Override
            public void onFrame(ByteBuffer frame, ValueSpan span, byte[] value) {
              listener.onFrame(frame, span, value);
            }

            @Override
            public void onClosed(Throwable cause) {
              ending.countDown();
              try {
                gate.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              listener.onClosed(cause);
            }
          },
          timeout);
    }

    @Override
    public String address() {
      return inner.address();
    }
  }
}
