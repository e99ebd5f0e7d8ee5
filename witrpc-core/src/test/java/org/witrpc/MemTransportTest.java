package org.witrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.Connection;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.TransportOptions;

class MemTransportTest {
  private static final AtomicInteger NAMES = new AtomicInteger();

  /** Records frames, the reader thread, and onClosed calls. */
  static final class Recorder implements FrameListener {
    final List<byte[]> frames = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    final List<Throwable> closes = new CopyOnWriteArrayList<>();
    final AtomicInteger closed = new AtomicInteger();

    @Override
    public void onFrame(ByteBuffer frame) {
      byte[] b = new byte[frame.remaining()];
      frame.get(b);
      frames.add(b);
      threads.add(Thread.currentThread().getName());
    }

    @Override
    public void onClosed(Throwable cause) {
      closed.incrementAndGet();
      if (cause != null) {
        closes.add(cause);
      }
    }
  }

  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out waiting for " + what);
      }
      LockSupport.parkNanos(1_000_000);
    }
  }

  private static String name() {
    return "mt" + NAMES.incrementAndGet();
  }

  @Test
  void framesAreCopiedAndDeliveredOnTheReaderThreadBothWays() {
    String name = name();
    Recorder serverSide = new Recorder();
    List<Connection> accepted = new CopyOnWriteArrayList<>();
    try (ServerTransport server = Transports.server("mem://" + name)) {
      server.start(
          c -> {
            accepted.add(c);
            return serverSide;
          });
      Recorder clientSide = new Recorder();
      Connection c = Transports.client("mem://" + name).connect(clientSide, Duration.ofSeconds(1));
      byte[] data = {1, 2, 3};
      ByteBuffer buf = ByteBuffer.wrap(data);
      c.send(buf, ByteBuffer.allocate(0));
      data[0] = 9; // the transport copied the frame
      await("server got the frame", () -> serverSide.frames.size() == 1);
      assertThat(serverSide.frames.get(0)).containsExactly(1, 2, 3);
      assertThat(serverSide.threads.get(0))
          .startsWith("witrpc-mem-")
          .isNotEqualTo(Thread.currentThread().getName());
      accepted.get(0).send(ByteBuffer.wrap(new byte[0]));
      await("client got the empty frame", () -> clientSide.frames.size() == 1);
      c.close();
      c.close();
      await("both closed", () -> serverSide.closed.get() == 1 && clientSide.closed.get() == 1);
      assertThat(clientSide.closes).isEmpty();
      assertThat(serverSide.closes).singleElement().isInstanceOf(WitTransportException.class);
      assertThatThrownBy(() -> c.send(ByteBuffer.allocate(1)))
          .isInstanceOf(WitTransportException.class);
    }
  }

  @Test
  void maxClientsSecondServerAndMissingServerFailClearly() {
    String name = name();
    ServerTransport server =
        MemTransport.server(name, TransportOptions.defaults().withMaxClients(1));
    server.start(c -> new Recorder());
    try {
      ClientTransport client = MemTransport.client(name);
      Recorder first = new Recorder();
      Connection c = client.connect(first, Duration.ofSeconds(1));
      assertThatThrownBy(() -> client.connect(new Recorder(), Duration.ofSeconds(1)))
          .isInstanceOf(WitTransportException.class)
          .hasMessageContaining("maximum of 1 clients");
      c.close();
      client.connect(new Recorder(), Duration.ofSeconds(1)).close();
      ServerTransport second = MemTransport.server(name);
      assertThatThrownBy(() -> second.start(x -> new Recorder()))
          .isInstanceOf(WitTransportException.class)
          .hasMessageContaining("already in use");
    } finally {
      server.close();
      server.close();
    }
    assertThatThrownBy(
            () -> MemTransport.client(name).connect(new Recorder(), Duration.ofSeconds(1)))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("no server");
  }

  @Test
  void serverCloseClosesClientsAndLeavesNoReader() {
    String name = name();
    ServerTransport server = MemTransport.server(name);
    Recorder serverSide = new Recorder();
    server.start(c -> serverSide);
    Recorder clientSide = new Recorder();
    MemTransport.client(name).connect(clientSide, Duration.ofSeconds(1));
    server.close();
    await("client saw the close", () -> clientSide.closed.get() == 1);
    assertThat(serverSide.closed.get()).isEqualTo(1);
    await(
        "no mem reader left",
        () ->
            Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("witrpc-mem-" + name + "-")));
  }

  @Test
  void unknownUriShapesAreRefused() {
    assertThatThrownBy(() -> Transports.client("mem://a?x=1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Transports.client("mem://bad name"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theBuilderAndTheUriSayWhatTheOtherTransportsSay() throws Exception {
    String name = name();
    ServerTransport server = MemTransport.serverBuilder(name).maxClients(1).build();
    server.start(c -> new Recorder());
    try {
      ClientTransport viaUri = Transports.client("mem://" + name + "?maxFrameSize=64KiB");
      Connection first = viaUri.connect(new Recorder(), Duration.ofSeconds(1));
      assertThatThrownBy(
              () ->
                  MemTransport.clientBuilder(name)
                      .maxFrameSize(1 << 20)
                      .build()
                      .connect(new Recorder(), Duration.ofSeconds(1)))
          .isInstanceOf(WitTransportException.class)
          .hasMessageContaining("maximum of 1 clients");
      first.close();
    } finally {
      server.close();
    }
    assertThatThrownBy(() -> MemTransport.serverBuilder(name).maxClients(0))
        .hasMessage("maxClients must be at least 1, not 0");
    assertThatThrownBy(() -> Transports.server("mem://" + name + "?maxFrameSize=12"))
        .hasMessageContaining("maxFrameSize must be at least 1024 bytes");
    assertThatThrownBy(() -> Transports.server("mem://" + name + "?sendTimeout=1s"))
        .hasMessageContaining(
            "unknown option 'sendTimeout'; known options: maxClients, maxFrameSize");
  }
}
