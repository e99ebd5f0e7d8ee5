package org.witrpc.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.witrpc.WitTimeoutException;
import org.witrpc.client.WitClient;
import org.witrpc.server.CallContext;
import org.witrpc.server.WitServer;
import org.witrpc.testkit.Await;

/**
 * Over {@code tcp://} a method that {@link org.witrpc.server.Dispatch#AUTO} knows to be quick runs
 * on the Netty event loop that read its request; one that turns slow leaves it after that call; a
 * blocking method runs elsewhere and delays no other connection; a CANCEL still reaches a call on
 * the executor, and an {@code onCancel} callback (user code) never runs on the event loop.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpQuickDispatchTest {

  private static final String IO_THREAD = "witrpc-tcp-io";
  private static final int TRIES = 20_000;

  /** Says where its methods run. */
  public interface Probe {
    /** The name of the thread that runs it. */
    String where();

    /** Sleeps {@code millis} (if above 0), then says where it ran. */
    String sleepThenWhere(long millis);

    /**
     * Waits (up to 30 s) until interrupted; records how it ended and, if {@code callback}, the
     * thread of its {@code onCancel} callback.
     */
    String block(String id, boolean callback);
  }

  static final class ProbeImpl implements Probe {
    final Map<String, String> started = new ConcurrentHashMap<>();
    final Map<String, String> endings = new ConcurrentHashMap<>();
    final Map<String, String> callbackThreads = new ConcurrentHashMap<>();

    @Override
    public String where() {
      return Thread.currentThread().getName();
    }

    @Override
    public String sleepThenWhere(long millis) {
      if (millis > 0) { // even a sleep of 0 may yield the processor, which takes long under load
        try {
          Thread.sleep(millis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return Thread.currentThread().getName();
    }

    @Override
    public String block(String id, boolean callback) {
      CallContext call = CallContext.current();
      if (callback) {
        call.onCancel(() -> callbackThreads.put(id, Thread.currentThread().getName()));
      }
      started.put(id, Thread.currentThread().getName());
      try {
        Thread.sleep(30_000);
        endings.put(id, "returned");
      } catch (InterruptedException e) {
        endings.put(id, "interrupted, cancelled=" + call.isCancelled());
      }
      return id;
    }
  }

  private final ProbeImpl impl = new ProbeImpl();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private WitServer server;

  @BeforeEach
  void startServer() {
    server = WitServer.builder().service(Probe.class, impl).transport("tcp://127.0.0.1:0").build();
    closeables.add(server);
    server.start();
  }

  @AfterEach
  void close() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private Probe connect(Duration timeout) {
    WitClient client = WitClient.builder().transport(server.address()).timeout(timeout).build();
    closeables.add(client);
    return client.connect(Duration.ofSeconds(10)).service(Probe.class);
  }

  /** Calls {@code call} until it ran on an event loop; false if it never did in {@link #TRIES}. */
  private static boolean reachesTheEventLoop(Supplier<String> call) {
    for (int i = 0; i < TRIES; i++) {
      if (call.get().startsWith(IO_THREAD)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Brings {@code sleepThenWhere} onto the event loop, then makes a 200 ms call of it there (a
   * method known quick every time runs there even when this call turns out slow). On a busy machine
   * one of the quick calls in between may be preempted past the quick bound, which ends the streak
   * and sends the slow call to the executor (the preempted call may count as slow, which only
   * lengthens the streak the next try needs): then it tries again, a bounded number of times.
   *
   * @return true if a slow call ran on the event loop
   */
  private static boolean aSlowCallRunsOnTheEventLoop(Probe probe) {
    for (int attempt = 0; attempt < 20; attempt++) {
      if (reachesTheEventLoop(() -> probe.sleepThenWhere(0))
          && probe.sleepThenWhere(200).startsWith(IO_THREAD)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void aQuickMethodRunsOnTheEventLoop() {
    Probe probe = connect(Duration.ofSeconds(10));
    assertThat(probe.where()).as("a first call runs on the executor").doesNotStartWith(IO_THREAD);
    assertThat(reachesTheEventLoop(probe::where)).isTrue();
  }

  @Test
  void aQuickMethodThatTurnsSlowLeavesTheEventLoop() {
    Probe probe = connect(Duration.ofSeconds(10));
    assertThat(aSlowCallRunsOnTheEventLoop(probe)).as("a slow call while known quick").isTrue();
    assertThat(probe.sleepThenWhere(0)).as("known slow now").doesNotStartWith(IO_THREAD);
  }

  @Test
  void aMethodThatWasSlowNeedsALongerStreakOfQuickCallsToReturnToTheEventLoop() {
    Probe probe = connect(Duration.ofSeconds(10));
    assertThat(aSlowCallRunsOnTheEventLoop(probe)).as("a slow call while known quick").isTrue();
    // its average alone would bring it back after about 55 quick calls (200 ms x (7/8)^n < 20 us)
    for (int i = 0; i < 100; i++) {
      assertThat(probe.sleepThenWhere(0))
          .as("quick call %d after the slow one", i)
          .doesNotStartWith(IO_THREAD);
    }
    assertThat(reachesTheEventLoop(() -> probe.sleepThenWhere(0)))
        .as("back after its streak")
        .isTrue();
  }

  @Test
  void aBlockingMethodDelaysNoOtherConnection() throws Exception {
    Probe blocking = connect(Duration.ofSeconds(30));
    CompletableFuture<String> blocked =
        CompletableFuture.supplyAsync(() -> blocking.block("held", false));
    Await.until("the blocking call started", () -> impl.started.containsKey("held"));

    // the event loops take channels in turn: with this many, some share the blocked one's loop
    int others = 2 * Runtime.getRuntime().availableProcessors() + 1;
    for (int i = 0; i < others; i++) {
      Probe other = connect(Duration.ofSeconds(10));
      assertThat(reachesTheEventLoop(other::where)).isTrue();
    }
    assertThat(blocked).isNotDone();
    assertThat(impl.started.get("held")).doesNotStartWith(IO_THREAD);
  }

  @Test
  void aCancelReachesACallOnTheExecutor() throws Exception {
    Probe probe = connect(Duration.ofMillis(300));
    assertThat(reachesTheEventLoop(probe::where))
        .as("this connection is served on the loop")
        .isTrue();

    assertThatThrownBy(() -> probe.block("plain", false)).isInstanceOf(WitTimeoutException.class);
    Await.until("the call ended", () -> impl.endings.containsKey("plain"));
    assertThat(impl.endings.get("plain")).isEqualTo("interrupted, cancelled=true");

    assertThatThrownBy(() -> probe.block("callback", true)).isInstanceOf(WitTimeoutException.class);
    Await.until("the call ended", () -> impl.endings.containsKey("callback"));
    Await.until("the callback ran", () -> impl.callbackThreads.containsKey("callback"));
    assertThat(impl.endings.get("callback")).isEqualTo("interrupted, cancelled=true");
    assertThat(impl.callbackThreads.get("callback")).doesNotStartWith(IO_THREAD);
    assertThat(impl.started.get("plain")).doesNotStartWith(IO_THREAD);
  }
}
