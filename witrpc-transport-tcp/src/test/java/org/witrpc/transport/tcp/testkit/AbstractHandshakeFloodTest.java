package org.witrpc.transport.tcp.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.witrpc.Transports;
import org.witrpc.WitTransportException;
import org.witrpc.spi.Connection;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.ServerTransport;
import org.witrpc.testkit.RecordingListener;

/**
 * A network server under a flood of idle sockets that never finish their opening exchange (no
 * hello, no upgrade request): they take no client slot, at most {@code maxHandshakes} of them are
 * kept (one more closes the one that waited longest), and meanwhile the established clients go on
 * working and a new client gets in at once; clients connecting all at once never get more than
 * {@code maxClients} connections on the server. Raw loopback sockets; every loop is bounded.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class AbstractHandshakeFloodTest {
  /** Half the 10 s a socket may take for its opening exchange. */
  private static final Duration AWAIT = Duration.ofSeconds(5);

  private final List<AutoCloseable> resources = new ArrayList<>();

  /** For the subclass of each transport. */
  protected AbstractHandshakeFloodTest() {}

  /**
   * The URI of a plain server on 127.0.0.1, port 0, with {@code query}: {@code "tcp://127.0.0.1:0?"
   * + query}.
   */
  protected abstract String serverUri(String query);

  @AfterEach
  void closeAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private ServerTransport startEchoServer(String query) {
    ServerTransport server = Transports.server(serverUri(query));
    resources.add(server);
    // READY at once, as the protocol layer makes a client that completed its handshake (a
    // connection that is not READY gives its slot up to a newcomer)
    server.start(
        connection -> {
          connection.allowLargeFrames();
          return new RecordingListener(connection::send);
        });
    return server;
  }

  private List<Socket> openIdleSockets(ServerTransport server, int count) throws IOException {
    int port = URI.create(server.address()).getPort();
    List<Socket> sockets = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
      resources.add(socket);
      sockets.add(socket);
    }
    return sockets;
  }

  private Connection connect(ServerTransport server, RecordingListener listener) {
    Connection connection = Transports.client(server.address()).connect(listener, AWAIT);
    resources.add(connection::close);
    return connection;
  }

  private static void assertEchoes(Connection connection, RecordingListener listener, int value)
      throws InterruptedException {
    connection.send(ByteBuffer.wrap(new byte[] {(byte) value}));
    assertThat(listener.nextFrame(AWAIT).get(0)).isEqualTo((byte) value);
  }

  @Test
  void idleSocketsAsManyAsMaxClientsKeepNoClientOut() throws Exception {
    ServerTransport server = startEchoServer("maxClients=2");
    RecordingListener established = new RecordingListener();
    Connection first = connect(server, established);

    openIdleSockets(server, 2);

    RecordingListener newcomer = new RecordingListener();
    Connection second = connect(server, newcomer);
    assertEchoes(second, newcomer, 2);
    assertEchoes(first, established, 1);
  }

  @Test
  void idleSocketsBeyondMaxHandshakesAreClosedAndClientsStillGetIn() throws Exception {
    ServerTransport server = startEchoServer("maxClients=2&maxHandshakes=4");
    RecordingListener established = new RecordingListener();
    Connection first = connect(server, established);

    List<Socket> idle = openIdleSockets(server, 12);
    // the 8 beyond maxHandshakes are closed as they are accepted (so all 12 have been by then)
    assertThat(awaitClosedByServer(idle, 8)).isGreaterThanOrEqualTo(8);

    RecordingListener newcomer = new RecordingListener();
    Connection second = connect(server, newcomer);
    assertEchoes(second, newcomer, 2);
    assertEchoes(first, established, 1);
  }

  @Test
  void clientsConnectingAllAtOnceNeverGetMoreThanMaxClients() throws Exception {
    int maxClients = 2;
    int clients = 24;
    int rounds = 5;
    AtomicInteger open = new AtomicInteger();
    AtomicInteger mostOpen = new AtomicInteger();
    ServerTransport server = Transports.server(serverUri("maxClients=" + maxClients));
    resources.add(server);
    server.start(
        connection -> {
          connection.allowLargeFrames(); // READY: never closed for a newcomer
          mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
          return new CountingListener(open);
        });
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    resources.add(pool::shutdownNow);
    for (int round = 0; round < rounds; round++) {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Connection>> attempts = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        attempts.add(pool.submit(() -> connectAfter(go, server)));
      }
      go.countDown();
      List<Connection> connected = new ArrayList<>();
      for (Future<Connection> attempt : attempts) {
        Connection connection = attempt.get(30, TimeUnit.SECONDS);
        if (connection != null) {
          connected.add(connection);
        }
      }
      assertThat(connected).as("connected in round %d", round).hasSizeBetween(1, maxClients);
      connected.forEach(Connection::close);
      awaitNoneOpen(open);
    }
    assertThat(mostOpen.get())
        .as("most connections open at once on the server")
        .isBetween(1, maxClients);
  }

  /** Connects once {@code go} opens; null if the server refused (all its slots taken). */
  private static Connection connectAfter(CountDownLatch go, ServerTransport server)
      throws InterruptedException {
    go.await();
    try {
      return Transports.client(server.address()).connect(new RecordingListener(), AWAIT);
    } catch (WitTransportException refused) {
      return null;
    }
  }

  private static void awaitNoneOpen(AtomicInteger open) {
    long deadline = System.nanoTime() + AWAIT.toNanos();
    while (open.get() > 0 && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
    assertThat(open.get()).as("server connections still open").isZero();
  }

  /** A server-side listener that counts its connection as closed when it is. */
  private static final class CountingListener implements FrameListener {
    private final AtomicInteger open;

    CountingListener(AtomicInteger open) {
      this.open = open;
    }

    @Override
    public void onFrame(ByteBuffer frame) {}

    @Override
    public void onClosed(Throwable cause) {
      open.decrementAndGet();
    }
  }

  /** How many of {@code sockets} the server closed, waiting until {@code expected} or AWAIT. */
  private static int awaitClosedByServer(List<Socket> sockets, int expected) throws IOException {
    Set<Socket> closed = new HashSet<>();
    long deadline = System.nanoTime() + AWAIT.toNanos();
    while (closed.size() < expected && System.nanoTime() < deadline) {
      for (Socket socket : sockets) {
        if (!closed.contains(socket) && isClosedByServer(socket)) {
          closed.add(socket);
        }
      }
    }
    return closed.size();
  }

  private static boolean isClosedByServer(Socket socket) throws IOException {
    socket.setSoTimeout(10);
    try {
      return socket.getInputStream().read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true; // reset
    }
  }
}
