package org.witrpc.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.witrpc.internal.StaleSockets;
import org.witrpc.spi.RuntimeDirectory;

/** A starting server sweeps the files that dead servers (killed with -9) left behind. */
class StaleFilesTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"mmf", "pipe"})
  void aStartingWorkerSweepsWhatDeadServersLeft(String transport) throws Exception {
    Path dir = RuntimeDirectory.defaultDirectory();
    String dead = "dead-" + UUID.randomUUID().toString().substring(0, 8);
    Path socket = deadSocket(dir.resolve(dead + ".mmf.sock"));
    Path pipeSocket = deadSocket(dir.resolve(dead + ".sock"));
    Path mapping = Files.createFile(dir.resolve(dead + ".0123456789abcdef0123456789abcdef.mmf"));
    for (Path file : new Path[] {socket, pipeSocket, mapping}) {
      Files.setLastModifiedTime(
          file, FileTime.from(Instant.now().minus(StaleSockets.MIN_AGE).minusSeconds(60)));
    }
    try (WorkerProcess<Calculator> worker = Workers.calculator(transport).start()) {
      assertThat(worker.service().add(1, 2)).isEqualTo(3);
    }
    assertThat(socket).doesNotExist();
    assertThat(pipeSocket).doesNotExist();
    assertThat(mapping).doesNotExist();
  }

  private static Path deadSocket(Path path) throws IOException {
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(path));
    }
    return path;
  }
}
