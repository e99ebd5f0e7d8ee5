package org.witrpc.transport.tcp.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.witrpc.WitTransportException;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.Connection;
import org.witrpc.spi.ServerTransport;
import org.witrpc.testkit.RecordingListener;

/**
 * Heartbeats of a network transport: a peer that completes the opening exchange and then neither
 * answers pings nor sends anything (a frozen process, a pulled cable: no end of stream ever comes)
 * is taken for dead within interval x misses, on either side; a live idle connection is kept. The
 * silent peers are raw loopback sockets that speak the opening exchange of the transport.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class AbstractHeartbeatTest {
  protected static final Duration INTERVAL = Duration.ofMillis(100);
  private static final int MISSES = 3;

  /** Generous: the detection needs INTERVAL x MISSES (300 ms). */
  protected static final Duration BOUND = Duration.ofSeconds(10);

  private final List<AutoCloseable> resources = new ArrayList<>();

  /** For the subclass of each transport. */
  protected AbstractHeartbeatTest() {}

  /** An unstarted server on 127.0.0.1, port 0, with these heartbeats. */
  protected abstract ServerTransport newServer(Duration interval, int misses);

  /** A client of the server on 127.0.0.1 and {@code port} with these heartbeats. */
  protected abstract ClientTransport newClient(int port, Duration interval, int misses);

  /**
   * Connects a raw socket to the server on {@code port}, does a client's part of the opening
   * exchange and waits until the server has admitted it; from then on the socket stays silent.
   *
   * @return what to close when the test ends
   */
  protected abstract AutoCloseable openSilentClient(int port) throws Exception;

  /** Does a server's part of the opening exchange on {@code accepted}; then it stays silent. */
  protected abstract void acceptAsSilentServer(Socket accepted) throws Exception;

  @AfterEach
  void closeAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private static int port(ServerTransport server) {
    return URI.create(server.address()).getPort();
  }

  @Test
  void theServerDropsAClientThatFallsSilentAfterItsOpeningExchange() throws Exception {
    BlockingQueue<RecordingListener> listeners = new LinkedBlockingQueue<>();
    ServerTransport server = newServer(INTERVAL, MISSES);
    resources.add(server);
    server.start(
        connection -> {
          RecordingListener listener = new RecordingListener();
          listeners.add(listener);
          return listener;
        });
    resources.add(openSilentClient(port(server)));

    RecordingListener listener = listeners.poll(BOUND.toSeconds(), TimeUnit.SECONDS);
    assertThat(listener).isNotNull();
    assertClosedAsSilent(listener);
  }

  @Test
  void theClientSeesAServerThatFallsSilent() throws Exception {
    ServerSocket raw = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    resources.add(raw);
    Thread acceptor =
        new Thread(
            () -> {
              try {
                Socket accepted = raw.accept();
                resources.add(accepted);
                acceptAsSilentServer(accepted);
                // then silence: no pongs, no pings, no end of stream
              } catch (Exception e) {
                // the test fails on the client side
              }
            },
            "silent-server");
    acceptor.start();
    RecordingListener listener = new RecordingListener();
    Connection connection =
        newClient(raw.getLocalPort(), INTERVAL, MISSES).connect(listener, BOUND);
    resources.add(connection::close);
    assertClosedAsSilent(listener);
    assertThat(connection.isOpen()).isFalse();
    acceptor.join(BOUND.toMillis());
  }

  private static void assertClosedAsSilent(RecordingListener listener) throws InterruptedException {
    assertThat(listener.awaitClosed(BOUND))
        .get()
        .isInstanceOf(WitTransportException.class)
        .extracting(Throwable::getMessage)
        .asString()
        .contains("the peer went silent");
  }

  @Test
  void keepsALiveIdleConnectionOpen() throws Exception {
    // Five misses: a JVM stalled for two intervals on a loaded machine is not a dead peer.
    ServerTransport server = newServer(INTERVAL, 5);
    resources.add(server);
    server.start(connection -> new RecordingListener(connection::send));
    RecordingListener listener = new RecordingListener();
    Connection connection = newClient(port(server), INTERVAL, 5).connect(listener, BOUND);
    resources.add(connection::close);

    // twenty intervals without a frame, four times the dead-peer bound: only heartbeats keep it
    // (what is tested is that nothing happens for a while, so this waits for time, not for a
    // condition)
    Thread.sleep(INTERVAL.multipliedBy(20).toMillis());
    assertThat(listener.isClosed()).as("closed while idle").isFalse();
    assertThat(connection.isOpen()).isTrue();
    connection.send(ByteBuffer.wrap(new byte[] {42}));
    assertThat(listener.nextFrame(BOUND).get(0)).isEqualTo((byte) 42);
  }
}
