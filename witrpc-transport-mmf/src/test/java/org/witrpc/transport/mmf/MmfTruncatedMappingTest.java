package org.witrpc.transport.mmf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.witrpc.WitTransportException;
import org.witrpc.spi.Connection;

/**
 * A peer of the same user that truncates the connection's shared-memory file (it can, while it has
 * the file open; so does a full tmpfs to a page touched the first time): the server's threads get a
 * SIGBUS, which the JVM reports as an {@link InternalError}. Only that connection ends, with a
 * {@link WitTransportException}; no thread dies of it and the server serves the next client.
 */
class MmfTruncatedMappingTest {
  private static final Duration DEADLINE = Duration.ofSeconds(5);

  private Path dir;
  private MmfServerTransport server;
  private final BlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
  private final BlockingQueue<RecordingListener> listeners = new LinkedBlockingQueue<>();
  private final List<AutoCloseable> resources = new ArrayList<>();

  @BeforeEach
  void startServer() throws Exception {
    dir = Files.createTempDirectory(Path.of("/tmp"), "wt");
    server = MmfTransport.server("trunc").directory(dir).build();
    server.start(
        c -> {
          RecordingListener l = new RecordingListener();
          accepted.add(c);
          listeners.add(l);
          return l;
        });
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
    server.close();
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left).as("files left in the runtime directory").isEmpty();
    }
    Files.delete(dir);
    RecordingListener.awaitNoMmfWork(DEADLINE);
  }

  @Test
  void aPeerThatTruncatesTheMappingBeforeItsAckIsRefused() throws Exception {
    SocketChannel raw = rendezvous();
    try (FileChannel file = FileChannel.open(mappingPath, StandardOpenOption.WRITE)) {
      file.truncate(0);
    }
    Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
    List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    Thread.setDefaultUncaughtExceptionHandler((thread, e) -> uncaught.add(e));
    try {
      Rendezvous.sendAck(raw);

      RecordingListener.await(() -> server.connectionCount() == 0, DEADLINE, "the slot to be free");
      assertServesAnotherClient();
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(before);
    }
    assertThat(uncaught).as("errors that ended a thread").isEmpty();
    assertThat(accepted).as("connections accepted of the truncating peer").isEmpty();
  }

  @Test
  void aPeerThatTruncatesTheMappingLaterEndsOnlyItsConnection() throws Exception {
    SocketChannel raw = rendezvous();
    FileChannel file = FileChannel.open(mappingPath, StandardOpenOption.WRITE);
    resources.add(file);
    Rendezvous.sendAck(raw);
    Connection connection = accepted.poll(DEADLINE.toNanos(), TimeUnit.NANOSECONDS);
    assertThat(connection).isNotNull();
    RecordingListener listener = listeners.take();
    RecordingListener.awaitReaderIdle(connection, DEADLINE);

    file.truncate(0);
    raw.write(ByteBuffer.wrap(new byte[] {Doorbell.DATA}));

    assertThat(listener.closed.get(DEADLINE.toNanos(), TimeUnit.NANOSECONDS))
        .isInstanceOf(WitTransportException.class);
    assertThatThrownBy(() -> connection.send(ByteBuffer.wrap(new byte[100])))
        .isInstanceOf(WitTransportException.class);
    RecordingListener.await(() -> server.connectionCount() == 0, DEADLINE, "the slot to be free");
    assertServesAnotherClient();
  }

  private Path mappingPath;

  private SocketChannel rendezvous() throws Exception {
    SocketChannel raw = SocketChannel.open(StandardProtocolFamily.UNIX);
    resources.add(raw);
    raw.connect(UnixDomainSocketAddress.of(dir.resolve("trunc.mmf.sock")));
    Rendezvous.Reply reply = Rendezvous.readReply(raw, System.nanoTime() + DEADLINE.toNanos());
    assertThat(reply.status()).isEqualTo(Rendezvous.ACCEPTED);
    mappingPath = Path.of(reply.text());
    return raw;
  }

  private void assertServesAnotherClient() throws Exception {
    RecordingListener clientSide = new RecordingListener();
    Connection client =
        MmfTransport.client("trunc").directory(dir).build().connect(clientSide, DEADLINE);
    resources.add(client::close);
    Connection serverSide = accepted.poll(DEADLINE.toNanos(), TimeUnit.NANOSECONDS);
    assertThat(serverSide).isNotNull();
    serverSide.send(ByteBuffer.wrap(new byte[] {42}));
    assertThat(clientSide.next().get(0)).isEqualTo((byte) 42);
  }
}
