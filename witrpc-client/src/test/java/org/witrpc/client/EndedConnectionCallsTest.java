package org.witrpc.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.witrpc.Serializers;
import org.witrpc.WitTransportException;
import org.witrpc.server.Dispatch;
import org.witrpc.server.WitServer;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.Connection;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.Serializer;
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
  void anAsyncCallCancelledWhileItWaitsIsNotSentOnTheNextConnection() throws Exception {
    WitServer server = server(new CounterImpl());
    WitClient client = connectedClient(true);
    Counter counter = client.service(Counter.class);
    endConnectionUnreported(server);
    CompletableFuture<Integer> call = counter.nextAsync();
    RpcContractHarness.await("the call waiting on the async executor", () -> !noAsyncCallRuns());

    assertThat(call.cancel(true)).isTrue();

    transport.open();
    // methods run as their requests are read: a CANCEL behind a sent request comes too late
    WitServer second =
        WitServer.builder()
            .service(Counter.class, new CounterImpl())
            .dispatch(Dispatch.INLINE)
            .transport(uri)
            .build();
    closeables.add(second);
    second.start();
    RpcContractHarness.await("ready again", () -> client.state() == ConnectionState.READY);
    RpcContractHarness.await("the async executor idle", EndedConnectionCallsTest::noAsyncCallRuns);
    // a request the waiting task had sent would have reached the server before this one
    assertThat(counter.next()).as("the second server's first call").isEqualTo(1);
  }

  @Test
  void aListenerAddedAsTheReconnectResubscribesItIsSubscribedOnce() throws Exception {
    CountDownLatch encoding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    WitServer first = server(new CounterImpl());
    transport.open(); // this test needs no gate: the caller is held inside its SUBSCRIBE instead
    WitClient client =
        WitClient.builder()
            .transport(transport)
            .timeout(WAIT)
            .serializer(new HeldSubscribe(encoding, release))
            .autoReconnect(ReconnectPolicy.exponential(Duration.ofMillis(5), Duration.ofMillis(50)))
            .build();
    closeables.add(client);
    Counter counter = client.connect(WAIT).service(Counter.class);
    List<Integer> ticks = new CopyOnWriteArrayList<>();
    CountListener listener = ticks::add;
    CompletableFuture<Integer> added =
        callOnThread(
            () -> {
              counter.addCountListener(listener);
              return 0;
            },
            encoding);

    // the caller's subscription is in the client's table, its SUBSCRIBE not yet sent: the
    // reconnect to the next server re-subscribes it
    first.close();
    CounterImpl second = new CounterImpl();
    server(second);
    RpcContractHarness.await(
        "the new server has the subscription",
        () -> client.state() == ConnectionState.READY && second.listeners.size() == 1);
    release.countDown();
    added.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertThat(second.listeners).as("subscriptions on the server").hasSize(1);
    counter.removeCountListener(listener);
    assertThat(second.listeners).as("subscriptions left after removing it").isEmpty();
  }

  @Test
  void aListenerRemovedAsTheConnectionEndsIsForgottenWithoutAnError() throws Exception {
    WitServer server = server(new CounterImpl());
    Counter counter = connectedClient(true).service(Counter.class);
    CountListener listener = n -> {};
    counter.addCountListener(listener);
    endConnectionUnreported(server);

    counter.removeCountListener(listener);

    CounterImpl second = new CounterImpl();
    transport.open();
    server(second);
    assertThat(counter.next()).isEqualTo(1); // connected again, re-subscriptions done
    assertThat(second.listeners).as("listeners re-subscribed on the new server").isEmpty();
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

  /** True if no thread of a client's async executor is inside a call. */
  private static boolean noAsyncCallRuns() {
    return Thread.getAllStackTraces().entrySet().stream()
        .filter(e -> e.getKey().getName().startsWith("witrpc-client-async-"))
        .flatMap(e -> Arrays.stream(e.getValue()))
        .noneMatch(frame -> frame.getClassName().startsWith(RemoteCalls.class.getName()));
  }

  /** As {@link #callOnThread(Supplier)}, but returns once {@code reached} is counted down. */
  private CompletableFuture<Integer> callOnThread(Supplier<Integer> call, CountDownLatch reached)
      throws InterruptedException {
    CompletableFuture<Integer> outcome = new CompletableFuture<>();
    Thread caller = caller(call, outcome);
    caller.start();
    assertThat(reached.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("call reached").isTrue();
    return outcome;
  }

  /**
   * Runs {@code call} on a thread of its own and returns once the call waits there; a call that
   * fails or returns at once has its outcome in the future already.
   */
  private CompletableFuture<Integer> callOnThread(Supplier<Integer> call) {
    CompletableFuture<Integer> outcome = new CompletableFuture<>();
    Thread caller = caller(call, outcome);
    caller.start();
    RpcContractHarness.await(
        "the call waiting or done",
        () -> outcome.isDone() || caller.getState() == Thread.State.TIMED_WAITING);
    assertThat(outcome).as("the call waits for the next connection").isNotDone();
    return outcome;
  }

  /** A daemon thread "caller" that completes {@code outcome} with {@code call}'s. */
  private Thread caller(Supplier<Integer> call, CompletableFuture<Integer> outcome) {
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
    return caller;
  }

  /**
   * JSON that holds the thread "caller" inside the encoding of a SUBSCRIBE (one {@code long}, the
   * subscription id) until released.
   */
  private static final class HeldSubscribe implements Serializer {
    private final Serializer json = Serializers.json();
    private final CountDownLatch encoding;
    private final CountDownLatch release;

    HeldSubscribe(CountDownLatch encoding, CountDownLatch release) {
      this.encoding = encoding;
      this.release = release;
    }

    @Override
    public String name() {
      return json.name();
    }

    @Override
    public void write(OutputStream out, Object[] values, Type[] types) {
      if (Thread.currentThread().getName().equals("caller")
          && types.length == 1
          && types[0] == long.class) {
        encoding.countDown();
        try {
          release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      json.write(out, values, types);
    }

    @Override
    public Object[] read(ByteBuffer in, Type[] types) {
      return json.read(in, types);
    }
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
