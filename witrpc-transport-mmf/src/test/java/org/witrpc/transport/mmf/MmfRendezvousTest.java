package org.witrpc.transport.mmf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.witrpc.WitTransportException;

class MmfRendezvousTest {
  private Path dir;

  @BeforeEach
  void shortDirectory() throws Exception {
    dir = Files.createTempDirectory(Path.of("/tmp"), "wr");
  }

  @AfterEach
  void cleanUp() throws Exception {
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left).as("files left in the runtime directory").isEmpty();
    }
    Files.delete(dir);
  }

  @Test
  void theMappingFileIsOwnerOnlyWhileItExistsAndGoneAfterTheAck() throws Exception {
    try (MmfServerTransport server = MmfTransport.server("perm").directory(dir).build()) {
      server.start(c -> new RecordingListener());
      try (SocketChannel raw = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        raw.connect(UnixDomainSocketAddress.of(dir.resolve("perm.mmf.sock")));
        Rendezvous.Reply reply =
            Rendezvous.readReply(raw, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        assertThat(reply.status()).isEqualTo(Rendezvous.ACCEPTED);
        Path file = Path.of(reply.text());
        assertThat(file.getParent()).isEqualTo(dir);
        assertThat(file.getFileName().toString()).matches("perm\\.[0-9a-f]{32}\\.mmf");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
            .isEqualTo("rw-------");
        assertThat(Files.size(file)).isEqualTo(RingDescriptor.totalLength(1 << 19));
        Rendezvous.sendAck(raw);
        RecordingListener.await(() -> !Files.exists(file), Duration.ofSeconds(5), "unlink");
      }
    }
  }

  @Test
  void aSpareMappingMadeAfterAHandshakeIsOfferedToTheNextClientAndDeletedOnClose()
      throws Exception {
    MmfServerTransport server = MmfTransport.server("spare").directory(dir).build();
    try (server) {
      server.start(c -> new RecordingListener());
      try (SocketChannel first = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        first.connect(UnixDomainSocketAddress.of(dir.resolve("spare.mmf.sock")));
        Path offered = Path.of(readAccepted(first).text());
        Rendezvous.sendAck(first);
        // the file exists a moment before the server keeps it as its spare: wait for both
        RecordingListener.await(
            () -> {
              Path kept = server.spareForTests();
              List<Path> files = mappings();
              return kept != null
                  && files.size() == 1
                  && files.get(0).getFileName().equals(kept.getFileName());
            },
            Duration.ofSeconds(5),
            "a spare besides the first client's (unlinked) file");
        Path spare = mappings().get(0);
        assertThat(spare).isNotEqualTo(offered);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(spare)))
            .isEqualTo("rw-------");

        try (SocketChannel second = SocketChannel.open(StandardProtocolFamily.UNIX)) {
          second.connect(UnixDomainSocketAddress.of(dir.resolve("spare.mmf.sock")));
          assertThat(Path.of(readAccepted(second).text())).isEqualTo(spare);
          MmfFiles.Mapped mapped = MmfFiles.open(spare); // checks the header
          assertThat(RingDescriptor.validate(mapped.buffer(), Files.size(spare)))
              .isEqualTo(1 << 19);
        }
      }
    }
    assertThat(mappings()).as("mapping files after close").isEmpty();
  }

  private static Rendezvous.Reply readAccepted(SocketChannel channel) throws Exception {
    Rendezvous.Reply reply =
        Rendezvous.readReply(channel, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
    assertThat(reply.status()).isEqualTo(Rendezvous.ACCEPTED);
    return reply;
  }

  private List<Path> mappings() {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(MmfFiles.SUFFIX)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aClientRefusesACorruptHeaderWithAClearError() throws Exception {
    Path socket = dir.resolve("evil.mmf.sock");
    Path file = dir.resolve("evil." + "ab".repeat(16) + ".mmf");
    try (ServerSocketChannel fake = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      fake.bind(UnixDomainSocketAddress.of(socket));
      Files.write(file, new byte[8192]);
      CompletableFuture<Void> serving =
          CompletableFuture.runAsync(
              () -> {
                try (SocketChannel c = fake.accept()) {
                  Rendezvous.sendReply(c, Rendezvous.ACCEPTED, file.toString());
                  c.read(ByteBuffer.allocate(1));
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      assertThatThrownBy(
              () ->
                  MmfTransport.client("evil")
                      .directory(dir)
                      .build()
                      .connect(new RecordingListener(), Duration.ofSeconds(5)))
          .isInstanceOf(WitTransportException.class)
          .hasMessageContaining("corrupt shared-memory header: bad magic");
      serving.get(5, TimeUnit.SECONDS);
    } finally {
      Files.deleteIfExists(file);
      Files.deleteIfExists(socket);
    }
  }

  @Test
  void aClientRefusesAMappingOutsideTheRuntimeDirectory() throws Exception {
    Path socket = dir.resolve("away.mmf.sock");
    try (ServerSocketChannel fake = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      fake.bind(UnixDomainSocketAddress.of(socket));
      CompletableFuture<Void> serving =
          CompletableFuture.runAsync(
              () -> {
                try (SocketChannel c = fake.accept()) {
                  Rendezvous.sendReply(c, Rendezvous.ACCEPTED, "/etc/passwd");
                  c.read(ByteBuffer.allocate(1));
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      assertThatThrownBy(
              () ->
                  MmfTransport.client("away")
                      .directory(dir)
                      .build()
                      .connect(new RecordingListener(), Duration.ofSeconds(5)))
          .isInstanceOf(WitTransportException.class)
          .hasMessageContaining("unexpected mapping file /etc/passwd");
      serving.get(5, TimeUnit.SECONDS);
    } finally {
      Files.deleteIfExists(socket);
    }
  }

  @Test
  void aClientThatNeverAcknowledgesDelaysNeitherOtherClientsNorClose() throws Exception {
    MmfServerTransport server = MmfTransport.server("slow").directory(dir).build();
    try (SocketChannel silent = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.start(c -> new RecordingListener());
      silent.connect(UnixDomainSocketAddress.of(dir.resolve("slow.mmf.sock")));
      Rendezvous.Reply reply =
          Rendezvous.readReply(silent, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
      assertThat(reply.status()).isEqualTo(Rendezvous.ACCEPTED);
      // The silent client holds its handshake open (up to 5 s); another client is served at once.
      RecordingListener other = new RecordingListener();
      CompletableFuture<org.witrpc.spi.Connection> connecting =
          CompletableFuture.supplyAsync(
              () ->
                  MmfTransport.client("slow")
                      .directory(dir)
                      .build()
                      .connect(other, Duration.ofSeconds(30)));
      org.witrpc.spi.Connection connection = connecting.get(4, TimeUnit.SECONDS);
      assertThat(connection.isOpen()).isTrue();
      connection.close();

      // Close abandons the silent client's handshake, which is still open, without waiting 5 s.
      server.close();
      RecordingListener.awaitNoMmfWork(Duration.ofSeconds(2));
    } finally {
      server.close();
    }
  }

  @Test
  void theConnectTimeoutHoldsAgainstAServerThatDoesNotAccept() throws Exception {
    // A frozen server (SIGSTOP): bound and listening, but never accepting, its backlog full.
    Path socket = dir.resolve("frozen.mmf.sock");
    List<SocketChannel> fillers = new ArrayList<>();
    Thread connector = null;
    try (ServerSocketChannel frozen = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      frozen.bind(UnixDomainSocketAddress.of(socket), 1);
      for (int i = 0; i < 8; i++) {
        SocketChannel filler = SocketChannel.open(StandardProtocolFamily.UNIX);
        fillers.add(filler);
        filler.configureBlocking(false);
        try {
          filler.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException full) {
          break; // EAGAIN: the backlog is full
        }
      }
      CompletableFuture<Throwable> outcome = new CompletableFuture<>();
      connector =
          new Thread(
              () -> {
                try {
                  MmfTransport.client("frozen")
                      .directory(dir)
                      .build()
                      .connect(new RecordingListener(), Duration.ofMillis(500))
                      .close();
                  outcome.complete(null);
                } catch (Throwable e) {
                  outcome.complete(e);
                }
              },
              "frozen-connector");
      connector.setDaemon(true);
      long start = System.nanoTime();
      connector.start();
      Throwable failure = outcome.get(5, TimeUnit.SECONDS); // blocked for good before
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(400));
      assertThat(failure)
          .isInstanceOf(WitTransportException.class)
          .hasMessageContaining("within PT0.5S");
    } finally {
      if (connector != null) {
        connector.interrupt(); // ends a connect still blocked (the old code)
        connector.join(2_000);
      }
      for (SocketChannel filler : fillers) {
        filler.close();
      }
      Files.deleteIfExists(socket);
    }
  }

  @Test
  void aMappingThatFailsWithAnErrorFailsItsClientOnlyAndLeavesNoFile() throws Exception {
    MmfServerTransport server = MmfTransport.server("bus").directory(dir).build();
    try (server) {
      AtomicInteger made = new AtomicInteger();
      server.newMappingHookForTests =
          file -> {
            if (made.incrementAndGet() == 1) {
              // what a store into a mapping of a full tmpfs raised (SIGBUS)
              throw new InternalError("a fault occurred in an unsafe memory access operation");
            }
          };
      server.start(c -> new RecordingListener());
      assertThatThrownBy(
              () ->
                  MmfTransport.client("bus")
                      .directory(dir)
                      .build()
                      .connect(new RecordingListener(), Duration.ofSeconds(5)))
          .isInstanceOf(WitTransportException.class)
          .hasMessageContaining("cannot make a shared-memory file");
      assertThat(mappings()).as("the failed mapping's file").isEmpty();

      // the accept thread lives on: the next client is served
      org.witrpc.spi.Connection next =
          MmfTransport.client("bus")
              .directory(dir)
              .build()
              .connect(new RecordingListener(), Duration.ofSeconds(5));
      assertThat(next.isOpen()).isTrue();
      next.close();
    }
  }
}
