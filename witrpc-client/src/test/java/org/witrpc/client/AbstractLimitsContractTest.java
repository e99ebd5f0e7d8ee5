package org.witrpc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.witrpc.WitRemoteException;
import org.witrpc.WitSerializationException;
import org.witrpc.WitTransportException;
import org.witrpc.server.Dispatch;
import org.witrpc.spi.Serializer;
import org.witrpc.testkit.ProgressListener;
import org.witrpc.testkit.TestService;

/**
 * The limits that keep a misbehaving peer cheap, on every transport and serializer: a body nested
 * far too deep (sent by a client whose serializer writes it raw) is a 400 naming the method and the
 * connection serves on, with inline and executor dispatch; a deep value on the write side fails the
 * call, not the thread; subscriptions per connection are bounded (400); a client whose listener is
 * too slow disconnects instead of queueing callbacks without bound, by their count or their bytes;
 * an {@link Error} while decoding a result or a callback fails that call or drops that callback,
 * never a thread.
 */
public abstract class AbstractLimitsContractTest extends RpcContractHarness {

  /** A recursive parameter type. */
  public record Node(Node next) {}

  /** A service with a recursive parameter type. */
  public interface Nested {
    int depth(Node node);

    CompletableFuture<Integer> depthAsync(Node node);
  }

  static final class NestedImpl implements Nested {
    @Override
    public int depth(Node node) {
      int n = 0;
      for (Node x = node; x != null; x = x.next()) {
        n++;
      }
      return n;
    }

    @Override
    public CompletableFuture<Integer> depthAsync(Node node) {
      return CompletableFuture.completedFuture(depth(node));
    }
  }

  /** Passed as an argument, makes {@link Crafted} write a body nested {@value #DEPTH} deep. */
  static final Node DEEP = new Node(null);

  static final int DEPTH = 200_000;

  /**
   * The variant's serializer, except that it writes {@link #DEEP} as {@value #DEPTH} nested objects
   * (what a hostile peer would send), and throws the next read error it is given (for a reply, or
   * for a progress callback).
   */
  final class Crafted implements Serializer {
    final Serializer real = serializer();
    final AtomicReference<Error> nextReadError = new AtomicReference<>();
    final AtomicReference<Error> nextCallbackError = new AtomicReference<>();

    @Override
    public String name() {
      return real.name();
    }

    @Override
    public void write(OutputStream out, Object[] values, Type[] types) {
      if (values.length == 1 && values[0] == DEEP) {
        try {
          out.write(deepBody(real.name()));
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        return;
      }
      real.write(out, values, types);
    }

    @Override
    public Object[] read(ByteBuffer in, Type[] types) {
      // a progress callback's (int, String) only: replies are read on other threads meanwhile
      boolean callback = types.length == 2 && types[0] == int.class;
      Error e = (callback ? nextCallbackError : nextReadError).getAndSet(null);
      if (e != null) {
        throw e;
      }
      return real.read(in, types);
    }
  }

  static byte[] deepBody(String serializer) {
    if (serializer.equals("json")) {
      return ("[" + "{\"next\":".repeat(DEPTH) + "null" + "}".repeat(DEPTH) + "]")
          .getBytes(StandardCharsets.UTF_8);
    }
    byte[] level = {(byte) 0x81, (byte) 0xa4, 'n', 'e', 'x', 't'};
    byte[] b = new byte[2 + DEPTH * level.length];
    b[0] = (byte) 0x91;
    for (int i = 0; i < DEPTH; i++) {
      System.arraycopy(level, 0, b, 1 + i * level.length, level.length);
    }
    b[b.length - 1] = (byte) 0xc0;
    return b;
  }

  static Node chain(int depth) {
    Node n = null;
    for (int i = 0; i < depth; i++) {
      n = new Node(n);
    }
    return n;
  }

  /** Replaces the default server with one that also serves {@link Nested}, dispatching so. */
  private void restartServer(Dispatch dispatch) {
    server.close();
    server = startServer(b -> b.service(Nested.class, new NestedImpl()).dispatch(dispatch));
  }

  @ContractTest
  void aBodyNestedFarTooDeepIsA400AndTheConnectionServesOn() {
    for (Dispatch dispatch : new Dispatch[] {Dispatch.INLINE, Dispatch.EXECUTOR}) {
      restartServer(dispatch);
      Crafted crafted = new Crafted();
      WitClient c = connect(b -> b.serializer(crafted));
      Nested nested = c.service(Nested.class);
      for (int i = 0; i < 3; i++) { // a leaked slot or a dead reader would show by the second
        assertThatThrownBy(() -> nested.depth(DEEP))
            .as("%s dispatch", dispatch)
            .isInstanceOfSatisfying(
                WitRemoteException.class, e -> assertThat(e.status()).isEqualTo(400))
            .hasMessageContaining("Nested.depth(Node): cannot decode arguments");
      }
      assertThat(nested.depth(chain(3))).isEqualTo(3);
      assertThat(c.service(TestService.class).echo("still serving")).isEqualTo("still serving");
    }
  }

  @ContractTest
  void aDeepValueOnTheWriteSideFailsTheCallNotTheThread() {
    restartServer(Dispatch.AUTO);
    WitClient c = connect(b -> {});
    Nested nested = c.service(Nested.class);
    assertThatThrownBy(() -> nested.depth(chain(DEPTH)))
        .isInstanceOf(WitSerializationException.class)
        .hasMessageContaining("Nested.depth(Node): cannot encode the arguments");
    assertThat(nested.depth(chain(50))).isEqualTo(50);
    assertThat(c.pendingCallCount()).isZero();
  }

  @ContractTest
  void anErrorWhileDecodingAResultFailsTheCallOnly() throws Exception {
    Crafted crafted = new Crafted();
    TestService s = connect(b -> b.serializer(crafted)).service(TestService.class);
    crafted.nextReadError.set(new StackOverflowError());
    assertThatThrownBy(() -> s.echo("x"))
        .isInstanceOf(WitSerializationException.class)
        .hasMessageContaining("TestService.echo(String): the result cannot be decoded");
    crafted.nextReadError.set(new NoClassDefFoundError("simulated"));
    Throwable async = failureOf(s.echoAsync("y"));
    assertThat(async).isInstanceOf(NoClassDefFoundError.class);
    assertThat(s.echo("z")).isEqualTo("z");
  }

  @ContractTest
  void anErrorWhileDecodingACallbackDropsItAndTheNextOnesArrive() {
    Crafted crafted = new Crafted();
    TestService s = connect(b -> b.serializer(crafted)).service(TestService.class);
    Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
    List<String> events = new CopyOnWriteArrayList<>();
    s.addProgressListener(
        (percent, stage) -> {
          threads.add(Thread.currentThread().getName());
          events.add(stage + percent);
        });
    s.startProcessing(1, "a");
    await("first event", () -> events.size() == 1);
    crafted.nextCallbackError.set(new NoClassDefFoundError("simulated"));
    s.startProcessing(1, "b"); // decoding this one throws
    s.startProcessing(1, "c");
    await("event after the failed one", () -> events.contains("c1"));
    assertThat(events).containsExactly("a1", "c1");
    assertThat(threads).as("one callback thread, which survived").hasSize(1);
  }

  /** Makes results and events of any size from small requests. */
  public interface Big {
    String make(int chars);

    void addProgressListener(ProgressListener listener);

    void removeProgressListener(ProgressListener listener);

    /** Fires onProgress(chars, a stage of {@code chars} characters) to every listener. */
    void fire(int chars);
  }

  static final class BigImpl implements Big {
    final List<ProgressListener> listeners = new CopyOnWriteArrayList<>();

    @Override
    public String make(int chars) {
      return "y".repeat(chars);
    }

    @Override
    public void addProgressListener(ProgressListener listener) {
      listeners.add(listener);
    }

    @Override
    public void removeProgressListener(ProgressListener listener) {
      listeners.remove(listener);
    }

    @Override
    public void fire(int chars) {
      listeners.forEach(l -> l.onProgress(chars, "s".repeat(chars)));
    }
  }

  /**
   * A result larger than the server may send (its maximum frame size) is answered at once with a
   * 500 naming the sizes, instead of leaving the caller to its timeout; an event that large is
   * dropped for that client only; the connection serves on.
   */
  @ContractTest
  void aResultTooLargeToSendIsA500AtOnceAndAnEventTooLargeIsDropped() throws Exception {
    server.close();
    server = startServer(b -> b.service(Big.class, new BigImpl()).maxFrameSize(4096));
    WitClient c = connect(b -> b.timeout(Duration.ofSeconds(20)));
    Big big = c.service(Big.class);
    long start = System.nanoTime();

    assertThatThrownBy(() -> big.make(6000))
        .isInstanceOfSatisfying(
            WitRemoteException.class, e -> assertThat(e.status()).isEqualTo(500))
        .hasMessageContaining("Big.make(int): the result was not sent")
        // 4096, or 4080 encrypted (the plain frame's limit: the seal adds a 16-byte tag)
        .hasMessageContaining("cannot send a frame of 6020 bytes: the maximum frame size is 40");

    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("answered, not timed out")
        .isLessThan(Duration.ofSeconds(15));
    assertThat(big.make(100)).hasSize(100);
    List<Integer> heard = new CopyOnWriteArrayList<>();
    big.addProgressListener((chars, stage) -> heard.add(stage.length()));
    big.fire(6000);
    big.fire(10);
    await("the small event", () -> heard.contains(10));
    assertThat(heard).containsExactly(10);
    assertThat(big.make(10)).hasSize(10);
  }

  /**
   * A result or an event larger than the client takes (its maximum frame size, which its HELLO
   * announces) is never sent, on any transport: the result is answered with a 500 naming the
   * client's limit, the event is dropped for that client; the connection serves on. (Sent, it would
   * make the client end the connection, failing every call in flight on it.)
   */
  @ContractTest
  void aResultAboveTheClientsLimitIsA500AndTheConnectionServesOn() throws Exception {
    server.close();
    server = startServer(b -> b.service(Big.class, new BigImpl()));
    WitClient c = client(b -> b.maxFrameSize(4096).timeout(Duration.ofSeconds(20)));
    List<ConnectionState> states = new CopyOnWriteArrayList<>();
    c.onStateChange((previous, current, cause) -> states.add(current));
    c.connect(Duration.ofSeconds(5));
    Big big = c.service(Big.class);
    List<Integer> heard = new CopyOnWriteArrayList<>();
    big.addProgressListener((chars, stage) -> heard.add(stage.length()));

    // a result of n chars is a frame of n + 20 bytes: 16 of header, 4 of array and string headers
    // in either format; encrypted, the 16-byte tag must fit under the client's 4096 too
    int largest = (encryption() ? 4080 : 4096) - 20;
    assertThat(big.make(largest)).hasSize(largest);
    assertThatThrownBy(() -> big.make(largest + 1))
        .isInstanceOfSatisfying(
            WitRemoteException.class, e -> assertThat(e.status()).isEqualTo(500))
        .hasMessageContaining("Big.make(int): the result was not sent")
        .hasMessageContaining(
            "cannot send a frame of "
                + (largest + 21)
                + " bytes: the client accepts at most 4096 bytes (its maxFrameSize, announced in"
                + " the handshake)"
                + (encryption() ? ", 4080 before the 16-byte seal" : "")
                + "; nothing was sent");
    big.fire(6000);
    big.fire(10);
    await("the small event", () -> heard.contains(10));

    assertThat(heard).containsExactly(10);
    assertThat(big.make(100)).hasSize(100);
    assertThat(states)
        .as("one connection throughout")
        .containsExactly(ConnectionState.CONNECTING, ConnectionState.READY);
  }

  /**
   * A request larger than the server takes (its maximum frame size, which its HELLO_ACK announces)
   * fails before any of it is sent, naming the server's limit, on any transport; the connection
   * serves on, and a call in flight meanwhile is answered. (Sent, it would make the server end the
   * connection.)
   */
  @ContractTest
  void aRequestAboveTheServersLimitFailsUnsentAndTheConnectionServesOn() throws Exception {
    server.close();
    server = startServer(b -> b.maxFrameSize(4096));
    // three retries would take 6 s or more: a refusal for size must not be retried
    WitClient c =
        client(
            b ->
                b.timeout(Duration.ofSeconds(20))
                    .retryPolicy(
                        RetryPolicy.exponential(Duration.ofSeconds(2), Duration.ofSeconds(2))));
    List<ConnectionState> states = new CopyOnWriteArrayList<>();
    c.onStateChange((previous, current, cause) -> states.add(current));
    c.connect(Duration.ofSeconds(5));
    TestService s = c.service(TestService.class);
    CompletableFuture<String> inFlight =
        CompletableFuture.supplyAsync(() -> s.slowEcho("in flight", 1000));
    await("the slow call in flight", () -> c.pendingCallCount() == 1);
    long start = System.nanoTime();

    assertThatThrownBy(() -> s.echo("x".repeat(6000)))
        .isInstanceOf(WitTransportException.class)
        .hasMessageStartingWith("TestService.echo(String): ")
        .hasMessageEndingWith(
            " bytes: the server accepts at most 4096 bytes (its maxFrameSize, announced in the"
                + " handshake)"
                + (encryption() ? ", 4080 before the 16-byte seal" : "")
                + "; nothing was sent");
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("failed at once, not retried")
        .isLessThan(Duration.ofSeconds(3));
    CompletableFuture<String> tooLarge = s.echoAsync("y".repeat(6000));
    assertThatThrownBy(() -> tooLarge.get(20, TimeUnit.SECONDS))
        .hasCauseInstanceOf(WitTransportException.class)
        .hasMessageContaining("the server accepts at most 40");

    assertThat(inFlight.get(20, TimeUnit.SECONDS)).isEqualTo("in flight");
    assertThat(s.echo("small")).isEqualTo("small");
    assertThat(states)
        .as("one connection throughout")
        .containsExactly(ConnectionState.CONNECTING, ConnectionState.READY);
  }

  @ContractTest
  void subscriptionsPerConnectionAreBounded() {
    server.close();
    server = startServer(b -> b.maxSubscriptionsPerConnection(2));
    WitClient c = connect(b -> {});
    TestService s = c.service(TestService.class);
    ProgressListener first = (percent, stage) -> {};
    s.addProgressListener(first);
    s.addProgressListener((percent, stage) -> {});
    assertThatThrownBy(() -> s.addProgressListener((percent, stage) -> {}))
        .isInstanceOfSatisfying(
            WitRemoteException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("too many subscriptions on this connection (limit 2)");
    assertThat(s.echo("still serving")).isEqualTo("still serving");
    s.removeProgressListener(first);
    s.addProgressListener((percent, stage) -> {});
    assertThat(s.progressListenerCount()).isEqualTo(2);
  }

  @ContractTest
  void aListenerTooSlowForTheBytesOfItsCallbacksDisconnectsLongBeforeTheCountLimit()
      throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<String> states = new CopyOnWriteArrayList<>();
    WitClient c =
        connect(
            b ->
                b.maxUndeliveredCallbackBytes(4 << 20)
                    .autoReconnect(
                        ReconnectPolicy.exponential(
                            Duration.ofMillis(10), Duration.ofMillis(100))));
    c.onStateChange((from, to, cause) -> states.add(to.name()));
    TestService s = c.service(TestService.class);
    List<Integer> events = new CopyOnWriteArrayList<>();
    s.addProgressListener(
        (percent, stage) -> {
          events.add(percent);
          try {
            release.await(10, TimeUnit.SECONDS); // blocks the callback thread
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    try {
      // 50 events of 1 MiB each: the first blocks its listener, two more wait, the fourth takes
      // the bytes waiting past 4 MiB, far below the 10,000 callbacks the count allows
      try {
        s.startProcessing(50, "x".repeat(1 << 20));
      } catch (WitTransportException e) {
        assertThat(e)
            .hasMessageContaining("listener too slow: ")
            .hasMessageContaining(" bytes in 4 callbacks undelivered (limit 4194304 bytes)");
      }
      await("reconnecting", () -> states.contains("RECONNECTING"));
    } finally {
      release.countDown();
    }
    await("ready again", () -> c.state() == ConnectionState.READY);
    assertThat(s.echo("after")).isEqualTo("after");
    assertThat(events).hasSizeLessThanOrEqualTo(4);
  }

  @ContractTest
  void aCallbackLargerThanTheByteLimitIsDeliveredWhenNoOtherWaits() throws Exception {
    WitClient c = connect(b -> b.maxUndeliveredCallbackBytes(1024));
    TestService s = c.service(TestService.class);
    List<Integer> sizes = new CopyOnWriteArrayList<>();
    s.addProgressListener((percent, stage) -> sizes.add(stage.length()));
    s.startProcessing(1, "x".repeat(64 << 10));
    await("the large callback delivered", () -> sizes.size() == 1);
    assertThat(sizes).containsExactly(64 << 10);
    assertThat(c.state()).isEqualTo(ConnectionState.READY);
  }

  @ContractTest
  void theByteLimitOfUndeliveredCallbacksIsAtLeastOne() {
    assertThatThrownBy(() -> WitClient.builder().maxUndeliveredCallbackBytes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxUndeliveredCallbackBytes must be at least 1, not 0");
  }

  @ContractTest
  void aListenerTooSlowDisconnectsInsteadOfQueueingWithoutBound() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<String> states = new CopyOnWriteArrayList<>();
    WitClient c =
        connect(
            b ->
                b.maxUndeliveredCallbacks(5)
                    .autoReconnect(
                        ReconnectPolicy.exponential(
                            Duration.ofMillis(10), Duration.ofMillis(100))));
    c.onStateChange((from, to, cause) -> states.add(to.name()));
    TestService s = c.service(TestService.class);
    List<String> events = new CopyOnWriteArrayList<>();
    s.addProgressListener(
        (percent, stage) -> {
          events.add(stage + percent);
          try {
            release.await(10, TimeUnit.SECONDS); // blocks the callback thread
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    try {
      // 50 events: the first blocks its listener, five wait, the seventh overflows. The reply
      // comes after them: it fails with the connection, unless the transport had it already
      // (mmf:// delivers what it has read before it stops)
      try {
        s.startProcessing(50, "slow");
      } catch (WitTransportException e) {
        assertThat(e).hasMessageContaining("listener too slow: 6 callbacks undelivered (limit 5)");
      }
      await("reconnecting", () -> states.contains("RECONNECTING"));
    } finally {
      release.countDown();
    }
    await("ready again", () -> c.state() == ConnectionState.READY);
    assertThat(s.echo("after")).isEqualTo("after");
    assertThat(events).hasSizeLessThanOrEqualTo(6);
  }
}
