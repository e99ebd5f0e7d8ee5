package org.witrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaleSocketsTest {
  private static final String HEX = "0123456789abcdef0123456789abcdef";

  @Test
  void removesOnlyOldSocketsNobodyListensOnAndTheirMappings(@TempDir Path dir) throws Exception {
    Path dead = deadSocket(dir.resolve("dead.sock"));
    Path deadMmf = deadSocket(dir.resolve("gone.mmf.sock"));
    Path deadMapping = Files.createFile(dir.resolve("gone." + HEX + ".mmf"));
    Path young = deadSocket(dir.resolve("young.sock"));
    Path notASocket = Files.createFile(dir.resolve("plain.sock"));
    try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      Path liveSocket = dir.resolve("live.mmf.sock");
      live.bind(UnixDomainSocketAddress.of(liveSocket));
      Path liveMapping = Files.createFile(dir.resolve("live." + HEX + ".mmf"));
      for (Path old :
          new Path[] {dead, deadMmf, deadMapping, notASocket, liveSocket, liveMapping}) {
        age(old);
      }

      assertThat(StaleSockets.sweep(dir)).isEqualTo(3);

      assertThat(dead).doesNotExist();
      assertThat(deadMmf).doesNotExist();
      assertThat(deadMapping).doesNotExist();
      assertThat(young).as("too young to judge").exists();
      assertThat(notASocket).as("not a socket").exists();
      assertThat(liveSocket).as("a server listens").exists();
      assertThat(liveMapping).as("its server lives").exists();
    }
  }

  @Test
  void aSocketProbedDeadIsKeptWhenAServerPutItsOwnAtThePathSince(@TempDir Path dir)
      throws Exception {
    Path path = deadSocket(dir.resolve("name.sock"));
    age(path); // left by a server killed a while ago
    Object probed = identity(path);
    // The race: another server starting on the name removed it and bound its own, which may get
    // the same inode number.
    Files.delete(path);
    try (ServerSocketChannel successor = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      successor.bind(UnixDomainSocketAddress.of(path));

      assertThat(StaleSockets.deleteIfStill(path, probed)).isZero();
      assertThat(path).as("the successor's socket").exists();
      assertThat(StaleSockets.deleteIfStill(path, identity(path))).isEqualTo(1);
      assertThat(path).doesNotExist();
    }
  }

  private static Object identity(Path path) throws IOException {
    return StaleSockets.identity(
        Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
  }

  /** A socket file whose server closed without removing it, as after a kill -9. */
  private static Path deadSocket(Path path) throws IOException {
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(path));
    }
    return path;
  }

  private static void age(Path file) throws IOException {
    Files.setLastModifiedTime(
        file, FileTime.from(Instant.now().minus(StaleSockets.MIN_AGE).minusSeconds(60)));
  }
}
