package org.witrpc.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.witrpc.MemTransport;
import org.witrpc.Serializers;
import org.witrpc.internal.CallDeadline;
import org.witrpc.internal.Envelope;
import org.witrpc.internal.FrameBuffer;
import org.witrpc.internal.Handshake;
import org.witrpc.internal.MessageType;
import org.witrpc.internal.Route;
import org.witrpc.server.ServerProtocolTest.Raw;
import org.witrpc.spi.Connection;
import org.witrpc.testkit.Await;
import org.witrpc.testkit.ProgressListener;
import org.witrpc.testkit.TestService;
import org.witrpc.testkit.TestServiceImpl;

/**
 * A subscription removed while its {@code addXxx} runs (an UNSUBSCRIBE on another executor thread,
 * the client's close) is removed once the add returns: the removal ran first, and the add then gave
 * the implementation a stub nothing tracked, which it kept for good.
 */
class SubscriptionRaceTest {
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final String PROGRESS = "(" + ProgressListener.class.getName() + ")";

  /** Listener methods whose first add waits for {@link #releaseAdd}. */
  public interface Events {
    void addProgressListener(ProgressListener listener);

    void removeProgressListener(ProgressListener listener);
  }

  static final class HeldEvents implements Events {
    final List<ProgressListener> listeners = new CopyOnWriteArrayList<>();
    final List<ProgressListener> removed = new CopyOnWriteArrayList<>();
    final AtomicBoolean holdNextAdd = new AtomicBoolean(true);
    final CountDownLatch inHeldAdd = new CountDownLatch(1);
    final CountDownLatch releaseAdd = new CountDownLatch(1);
    final AtomicInteger addsReturned = new AtomicInteger();
    volatile ProgressListener held;

    @Override
    public void addProgressListener(ProgressListener listener) {
      if (holdNextAdd.compareAndSet(true, false)) {
        held = listener;
        inHeldAdd.countDown();
        try {
          releaseAdd.await(30, TimeUnit.SECONDS); // an add that takes a while (a lock, I/O)
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      listeners.add(listener);
      addsReturned.incrementAndGet();
    }

    @Override
    public void removeProgressListener(ProgressListener listener) {
      listeners.remove(listener);
      removed.add(listener);
    }
  }

  private static Connection ready(String name, Raw raw) throws InterruptedException {
    Connection c = MemTransport.client(name).connect(raw, Duration.ofSeconds(1));
    c.send(
        Handshake.hello(
            MessageType.HELLO,
            new Handshake.Hello(Handshake.PROTOCOL_VERSION, 0, Serializers.json().name())));
    assertThat(raw.nextEnvelope().status()).isEqualTo(200);
    c.send(Handshake.auth(""));
    assertThat(raw.nextEnvelope().status()).isEqualTo(200);
    return c;
  }

  /** A SUBSCRIBE or UNSUBSCRIBE of subscription {@code subscriptionId}, as request {@code id}. */
  private static ByteBuffer frame(
      MessageType type, Class<?> service, String method, long subscriptionId, long id) {
    FrameBuffer fb = new FrameBuffer();
    fb.writeI64(CallDeadline.NONE);
    new Route(service.getName(), method + PROGRESS).write(fb);
    byte[] value = ("[" + subscriptionId + "]").getBytes(StandardCharsets.UTF_8);
    fb.write(value, 0, value.length);
    return fb.finish(type, 0, 0, id);
  }

  @Test
  void subscribeAndUnsubscribePairsRunOnTwoThreadsLeaveNoListenerBehind() throws Exception {
    String name = "subrace" + NAMES.incrementAndGet();
    TestServiceImpl impl = new TestServiceImpl();
    try (WitServer server =
        WitServer.builder()
            .service(TestService.class, impl)
            .transport("mem://" + name)
            .dispatch(Dispatch.EXECUTOR)
            .build()
            .start()) {
      Raw raw = new Raw();
      Connection c = ready(name, raw);
      int pairs = 2000;
      int batch = 100;
      int subscribed = 0;
      int unsubscribed = 0;
      long id = 0;
      for (int i = 1; i <= pairs; i++) {
        c.send(frame(MessageType.SUBSCRIBE, TestService.class, "addProgressListener", i, ++id));
        c.send(
            frame(MessageType.UNSUBSCRIBE, TestService.class, "removeProgressListener", i, ++id));
        if (i % batch == 0) {
          for (int k = 0; k < 2 * batch; k++) {
            Envelope answer = raw.nextEnvelope();
            boolean isSubscribe = answer.correlationId() % 2 == 1;
            if (answer.status() == 200) {
              if (isSubscribe) {
                subscribed++;
              } else {
                unsubscribed++;
              }
            } else {
              // an UNSUBSCRIBE that ran before its SUBSCRIBE was even recorded
              assertThat(isSubscribe).as("SUBSCRIBE #%d refused", answer.correlationId()).isFalse();
            }
          }
        }
      }
      // every answer is in: each unsubscription answered 200 took its listener away
      assertThat(subscribed).isEqualTo(pairs);
      assertThat(impl.progressListenerCount())
          .as("listeners held: %d subscribed, %d unsubscribed", subscribed, unsubscribed)
          .isEqualTo(subscribed - unsubscribed);

      c.close();
      Await.until(
          "the implementation holds no listener of the client that left",
          Duration.ofSeconds(10),
          () -> impl.progressListenerCount() == 0);
      assertThat(server.connectionCount()).isZero();
    }
  }

  @Test
  void aSubscriptionWhoseClientLeavesWhileItsAddRunsIsRemovedWhenTheAddReturns() throws Exception {
    String name = "subrace" + NAMES.incrementAndGet();
    HeldEvents impl = new HeldEvents();
    try (WitServer server =
        WitServer.builder()
            .service(Events.class, impl)
            .transport("mem://" + name)
            .dispatch(Dispatch.EXECUTOR)
            .build()
            .start()) {
      Raw raw = new Raw();
      Connection c = ready(name, raw);
      c.send(frame(MessageType.SUBSCRIBE, Events.class, "addProgressListener", 1, 1));
      assertThat(impl.inHeldAdd.await(10, TimeUnit.SECONDS)).isTrue();
      // a second subscription, added: its removal at close shows the close has passed the first
      // (the connection's subscriptions are removed by id, 1 before 2)
      c.send(frame(MessageType.SUBSCRIBE, Events.class, "addProgressListener", 2, 2));
      Envelope added = raw.nextEnvelope();
      assertThat(added.correlationId()).isEqualTo(2);
      assertThat(added.status()).isEqualTo(200);
      assertThat(impl.listeners).hasSize(1);

      c.close(); // the client leaves while subscription 1's add runs
      Await.until(
          "subscription 2 is removed at close",
          Duration.ofSeconds(10),
          () -> impl.listeners.isEmpty() && impl.removed.size() >= 1);

      impl.releaseAdd.countDown();
      Await.until(
          "the stub of the add that returned after the close is removed",
          Duration.ofSeconds(10),
          () -> impl.addsReturned.get() == 2 && impl.listeners.isEmpty());
      assertThat(impl.removed).contains(impl.held);
      assertThat(server.connectionCount()).isZero();
    }
  }
}
