package org.witrpc.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
import org.witrpc.spi.Connection;
import org.witrpc.testkit.RecordingListener;

/**
 * Heartbeats: a peer that completes the hello and then neither answers pings nor sends anything (a
 * frozen process, a pulled cable: no end of stream ever comes) is taken for dead within interval x
 * misses, on either side; a live idle connection is kept. The silent peers are raw loopback
 * sockets.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpHeartbeatTest {
  private static final Duration INTERVAL = Duration.ofMillis(100);
  private static final int MISSES = 3;

  /** Generous: the detection needs INTERVAL x MISSES (300 ms). */
  private static final Duration BOUND = Duration.ofSeconds(10);

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  @Test
  void theServerDropsAClientThatFallsSilentAfterItsHello() throws Exception {
    BlockingQueue<RecordingListener> listeners = new LinkedBlockingQueue<>();
    TcpServerTransport server =
        TcpTransport.server("127.0.0.1", 0).heartbeat(INTERVAL, MISSES).build();
    resources.add(server);
    server.start(
        connection -> {
          RecordingListener listener = new RecordingListener();
          listeners.add(listener);
          return listener;
        });
    Socket silent = new Socket(InetAddress.getLoopbackAddress(), server.port());
    resources.add(silent);
    DataOutputStream out = new DataOutputStream(silent.getOutputStream());
    out.writeInt(TcpWire.MAGIC);
    out.writeByte(TcpWire.VERSION);
    out.flush();
    assertThat(silent.getInputStream().read()).as("status").isEqualTo(TcpWire.ACCEPTED);

    RecordingListener listener = listeners.poll(BOUND.toSeconds(), TimeUnit.SECONDS);
    assertThat(listener).isNotNull();
    assertThat(listener.awaitClosed(BOUND))
        .get()
        .isInstanceOf(WitTransportException.class)
        .extracting(Throwable::getMessage)
        .asString()
        .contains("the peer went silent");
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
                new DataInputStream(accepted.getInputStream()).readFully(new byte[5]);
                accepted.getOutputStream().write(TcpWire.ACCEPTED);
                // then silence: no pongs, no pings, no end of stream
              } catch (Exception e) {
                // the test fails on the client side
              }
            },
            "silent-server");
    acceptor.start();
    RecordingListener listener = new RecordingListener();
    Connection connection =
        TcpTransport.client("127.0.0.1", raw.getLocalPort())
            .heartbeat(INTERVAL, MISSES)
            .build()
            .connect(listener, BOUND);
    resources.add(connection::close);
    assertThat(listener.awaitClosed(BOUND))
        .get()
        .isInstanceOf(WitTransportException.class)
        .extracting(Throwable::getMessage)
        .asString()
        .contains("the peer went silent");
    assertThat(connection.isOpen()).isFalse();
    acceptor.join(BOUND.toMillis());
  }

  @Test
  void keepsALiveIdleConnectionOpen() throws Exception {
    TcpServerTransport server = TcpTransport.server("127.0.0.1", 0).heartbeat(INTERVAL, 2).build();
    resources.add(server);
    server.start(connection -> new RecordingListener(connection::send));
    RecordingListener listener = new RecordingListener();
    Connection connection =
        TcpTransport.client("127.0.0.1", server.port())
            .heartbeat(INTERVAL, 2)
            .build()
            .connect(listener, BOUND);
    resources.add(connection::close);

    // ten intervals without a frame, five times the dead-peer bound: only heartbeats keep it (what
    // is tested is that nothing happens for a while, so this waits for time, not for a condition)
    Thread.sleep(INTERVAL.multipliedBy(10).toMillis());
    assertThat(listener.isClosed()).as("closed while idle").isFalse();
    assertThat(connection.isOpen()).isTrue();
    connection.send(ByteBuffer.wrap(new byte[] {42}));
    assertThat(listener.nextFrame(BOUND).get(0)).isEqualTo((byte) 42);
  }
}
