package org.witrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.witrpc.WitTransportException;
import org.witrpc.spi.PeerPolicy;

@EnabledOnOs({OS.LINUX, OS.MAC})
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UnixSocketListenerTest {
  private Path dir;
  private Path socket;

  @BeforeEach
  void shortDirectory() throws IOException {
    // @TempDir paths can be long; Unix socket paths are limited to ~100 bytes.
    dir = Files.createTempDirectory(Path.of("/tmp"), "usl");
    socket = dir.resolve("s.sock");
  }

  @AfterEach
  void removeDirectory() throws IOException {
    Files.deleteIfExists(socket);
    Files.delete(dir);
  }

  @Test
  void aFailedChmodFailsTheBindAndLeavesNoSocketBehind() throws Exception {
    assertThatThrownBy(
            () ->
                UnixSocketListener.bind(
                    socket,
                    "pipe://t",
                    (file, permissions) -> {
                      throw new IOException("Operation not permitted");
                    }))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("cannot start server pipe://t")
        .hasMessageContaining("cannot make " + socket + " owner-only (0600)")
        .hasMessageContaining("Operation not permitted");

    assertThat(socket).doesNotExist();
    try (UnixSocketListener again = UnixSocketListener.bind(socket, "pipe://t")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(again.path())))
          .isEqualTo("rw-------");
    }
  }

  @Test
  void closeDeletesItsOwnSocketFileButNotOneThatReplacedIt() throws Exception {
    UnixSocketListener own = UnixSocketListener.bind(socket, "pipe://t");
    own.close();
    assertThat(socket).doesNotExist();

    UnixSocketListener replaced = UnixSocketListener.bind(socket, "pipe://t");
    Files.delete(socket);
    try (ServerSocketChannel other = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      other.bind(UnixDomainSocketAddress.of(socket));
      replaced.close();
      assertThat(socket).as("the other listener's socket file").exists();
    }
  }

  @Test
  void refusesToReplaceALiveListener() throws Exception {
    try (UnixSocketListener live = UnixSocketListener.bind(socket, "pipe://t")) {
      assertThatThrownBy(() -> UnixSocketListener.bind(socket, "pipe://u"))
          .isInstanceOf(WitTransportException.class)
          .hasMessageContaining("another server is already listening on " + socket);
      assertThat(live.path()).exists();
    }
  }

  @Test
  void aClientOfAUserThePolicyRefusesGetsTheRefusalAndNeverReachesTheAdmission() throws Exception {
    BlockingQueue<String> refused = new LinkedBlockingQueue<>();
    BlockingQueue<SocketChannel> admitted = new LinkedBlockingQueue<>();
    PeerPolicy nobody = PeerPolicy.matching(p -> false, "nobody");
    try (UnixSocketListener listener = UnixSocketListener.bind(socket, "pipe://t")) {
      listener.startAccepting(
          "witrpc-test-accept",
          nobody,
          (client, user) -> {
            refused.add(user);
            client.write(ByteBuffer.wrap(new byte[] {42}));
          },
          admitted::add);
      try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
        ByteBuffer answer = ByteBuffer.allocate(2);
        while (client.read(answer) >= 0) {
          // until the listener closes the refused client
        }
        assertThat(answer.flip().get()).isEqualTo((byte) 42);
        assertThat(answer.hasRemaining()).isFalse();
      }
      assertThat(refused.poll(5, TimeUnit.SECONDS)).isEqualTo(PeerPolicy.currentUser().get());
      assertThat(admitted).isEmpty();
    }
  }

  @Test
  void anAdmittedClientIsHandedOverAndCloseStopsTheAcceptThread() throws Exception {
    BlockingQueue<SocketChannel> admitted = new LinkedBlockingQueue<>();
    UnixSocketListener listener = UnixSocketListener.bind(socket, "pipe://t");
    listener.startAccepting(
        "witrpc-test-accept2",
        PeerPolicy.sameUser(),
        (client, user) -> {
          throw new AssertionError("refused " + user);
        },
        admitted::add);
    try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        SocketChannel server = admitted.poll(5, TimeUnit.SECONDS)) {
      assertThat(server).isNotNull();
      assertThat(server.isConnected()).isTrue();
      assertThat(client.isConnected()).isTrue();
    }
    listener.close();
    assertThat(
            Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName)
                .filter("witrpc-test-accept2"::equals))
        .isEmpty();
    assertThatThrownBy(
            () -> listener.startAccepting("x", PeerPolicy.sameUser(), (c, u) -> {}, c -> {}))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aClientWhoseAdmissionThrowsAnErrorIsClosedAndTheNextIsStillAdmitted() throws Exception {
    BlockingQueue<SocketChannel> admitted = new LinkedBlockingQueue<>();
    AtomicInteger admissions = new AtomicInteger();
    try (UnixSocketListener listener = UnixSocketListener.bind(socket, "pipe://t")) {
      listener.startAccepting(
          "witrpc-test-accept3",
          PeerPolicy.sameUser(),
          (client, user) -> {},
          client -> {
            if (admissions.incrementAndGet() == 1) {
              // what a SIGBUS on a mapped file of a full tmpfs raises
              throw new InternalError("a fault occurred in an unsafe memory access operation");
            }
            admitted.add(client);
          });
      try (SocketChannel first = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
        assertThat(first.read(ByteBuffer.allocate(1)))
            .as("the failed client is closed")
            .isEqualTo(-1);
      }
      try (SocketChannel second = SocketChannel.open(UnixDomainSocketAddress.of(socket));
          SocketChannel server = admitted.poll(5, TimeUnit.SECONDS)) {
        assertThat(server).as("the next client, admitted by the same accept thread").isNotNull();
        assertThat(second.isConnected()).isTrue();
      }
    }
  }
}
