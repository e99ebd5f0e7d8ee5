package org.witrpc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.witrpc.MemTransport;
import org.witrpc.Serializers;
import org.witrpc.WitTransportException;
import org.witrpc.internal.Envelope;
import org.witrpc.internal.Handshake;
import org.witrpc.internal.MessageType;
import org.witrpc.server.ServerProtocolTest.Raw;
import org.witrpc.spi.Connection;
import org.witrpc.spi.TransportOptions;
import org.witrpc.testkit.TestService;
import org.witrpc.testkit.TestServiceImpl;

/**
 * Over {@code mem://}: connections not READY within the handshake timeout are dropped and free
 * their slot, frames above the pre-READY limit end the connection, and the timer's thread ends with
 * the server.
 */
@DisplayName("the handshake timeout and the pre-READY frame limit (mem://)")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HandshakeTimeoutTest {
  private static final AtomicInteger NAMES = new AtomicInteger();

  /**
   * Long enough that the steps a test takes before it (a connect, a hello) finish inside it on a
   * loaded machine, short enough to keep the suite quick.
   */
  private static final Duration TIMEOUT = Duration.ofMillis(1500);

  private final String name = "ht" + NAMES.incrementAndGet();
  private final List<Connection> connections = new ArrayList<>();
  private WitServer server;

  @AfterEach
  void closeAll() {
    connections.forEach(Connection::close);
    if (server != null) {
      server.close();
    }
  }

  private void start(Duration handshakeTimeout) {
    server =
        WitServer.builder()
            .service(TestService.class, new TestServiceImpl())
            .transport(MemTransport.server(name, TransportOptions.defaults().withMaxClients(1)))
            .handshakeTimeout(handshakeTimeout)
            .build()
            .start();
  }

  private Connection connect(Raw raw) {
    Connection c = MemTransport.client(name).connect(raw, Duration.ofSeconds(1));
    connections.add(c);
    return c;
  }

  private static ByteBuffer hello() {
    return Handshake.hello(
        MessageType.HELLO,
        new Handshake.Hello(Handshake.PROTOCOL_VERSION, 0, Serializers.json().name()));
  }

  @Test
  void aSilentClientIsDroppedAndItsSlotIsFreeAgain() throws Exception {
    start(TIMEOUT);
    Raw silent = new Raw();
    connect(silent);
    assertThatThrownBy(() -> connect(new Raw()))
        .as("maxClients = 1: the slot is held")
        .isInstanceOf(WitTransportException.class);

    Envelope bye = silent.nextEnvelope();
    assertThat(bye.type()).isEqualTo(MessageType.GOODBYE);
    assertThat(Handshake.readGoodbye(bye.body()))
        .isEqualTo("handshake not completed within 1500 ms");
    assertThat(silent.next()).isSameAs(Raw.CLOSED);

    Raw next = new Raw();
    Connection c = connectWithin(next, Duration.ofSeconds(10));
    c.send(hello());
    assertThat(next.nextEnvelope().status()).isEqualTo(200);
    c.send(Handshake.auth(""));
    assertThat(next.nextEnvelope().status()).as("AUTH_ACK").isEqualTo(200);
  }

  @Test
  void aClientThatStopsAfterHelloIsDroppedToo() throws Exception {
    start(TIMEOUT);
    Raw raw = new Raw();
    connect(raw).send(hello());
    assertThat(raw.nextEnvelope().type()).isEqualTo(MessageType.HELLO_ACK);
    Envelope bye = raw.nextEnvelope();
    assertThat(bye.type()).isEqualTo(MessageType.GOODBYE);
    assertThat(Handshake.readGoodbye(bye.body())).contains("handshake not completed");
    assertThat(raw.next()).isSameAs(Raw.CLOSED);
  }

  @Test
  void aReadyClientIsNotDroppedAfterTheTimeout() throws Exception {
    start(TIMEOUT);
    Raw raw = new Raw();
    Connection c = connect(raw);
    c.send(hello());
    assertThat(raw.nextEnvelope().status()).isEqualTo(200);
    c.send(Handshake.auth(""));
    assertThat(raw.nextEnvelope().status()).isEqualTo(200);

    long past = System.nanoTime() + 2 * TIMEOUT.toNanos();
    while (System.nanoTime() - past < 0) { // two timeouts pass
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    assertThat(raw.inbox).as("nothing after AUTH_ACK: no GOODBYE, no close").isEmpty();
    assertThat(c.isOpen()).isTrue();
    assertThat(server.connectionCount()).isEqualTo(1);
  }

  @Test
  void aFrameAboveTheHandshakeLimitBeforeReadyEndsTheConnection() throws Exception {
    start(Duration.ofMinutes(1));
    Raw raw = new Raw();
    Connection c = connect(raw);
    ByteBuffer huge = ByteBuffer.allocate(TransportOptions.HANDSHAKE_FRAME_LIMIT + 1);

    assertThatThrownBy(() -> c.send(huge))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining(String.valueOf(TransportOptions.HANDSHAKE_FRAME_LIMIT));
    assertThat(raw.next()).isSameAs(Raw.CLOSED);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (server.connectionCount() > 0 && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    assertThat(server.connectionCount()).isZero();
  }

  @Test
  void theTimerThreadEndsWithTheServer() {
    List<Thread> others = timerThreads(); // of servers in other tests
    start(TIMEOUT);
    connect(new Raw());
    List<Thread> ours = timerThreads();
    ours.removeAll(others);
    assertThat(ours).as("one timer thread once a client connected").hasSize(1);
    server.close();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (ours.get(0).isAlive() && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    assertThat(ours.get(0).isAlive()).as("the timer thread alive after close").isFalse();
  }

  @Test
  void theHandshakeTimeoutMustBePositive() {
    WitServer.Builder builder = WitServer.builder();
    assertThatThrownBy(() -> builder.handshakeTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("handshakeTimeout");
    assertThatThrownBy(() -> builder.handshakeTimeout(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.handshakeTimeout(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("handshakeTimeout");
    builder.handshakeTimeout(Duration.ofDays(365_000_000L)); // beyond a long of nanoseconds: fine
  }

  private List<Thread> timerThreads() {
    List<Thread> found = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && t.getName().startsWith("witrpc-server-handshake-")) {
        found.add(t);
      }
    }
    return found;
  }

  private Connection connectWithin(Raw raw, Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (true) {
      try {
        return connect(raw);
      } catch (WitTransportException slotNotYetFree) {
        if (System.nanoTime() - deadline > 0) {
          throw slotNotYetFree;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
      }
    }
  }
}
