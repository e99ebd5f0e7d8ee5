package org.witrpc.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.witrpc.internal.Announcement;
import org.witrpc.spi.RuntimeDirectory;

class ServerAnnouncementTest {
  @TempDir Path tmp;

  @Test
  void writesAnOwnerOnlyFileThatParsesBackAndDeletesIt() throws IOException {
    Path dir = tmp.resolve("servers");

    ServerAnnouncement written = ServerAnnouncement.write(dir, "pipe://calc", List.of("x.Calc"));

    assertThat(written).isNotNull();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(written.file())))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    Announcement read = Announcement.parse(Files.readAllBytes(written.file()));
    assertThat(read.uri()).isEqualTo("pipe://calc");
    assertThat(read.pid()).isEqualTo(ProcessHandle.current().pid());
    assertThat(read.services()).containsExactly("x.Calc");
    assertThat(read.processAlive()).isTrue();
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(written.file()); // no temporary file left
    }

    written.delete();
    written.delete();
    assertThat(written.file()).doesNotExist();
  }

  @Test
  void anInProcessServerIsNotAnnounced() {
    assertThat(ServerAnnouncement.write("mem://calc", List.of("x.Calc"))).isNull();
  }

  @Test
  void removesOldAnnouncementsOfDeadProcessesOnlyAndKeepsRecentOnes() throws IOException {
    Path dir = tmp.resolve("servers");
    RuntimeDirectory.ensure(dir);
    Path oldDead = dead(dir, "old.json", Instant.now().minus(ServerAnnouncement.KEEP_STALE));
    Path recentDead = dead(dir, "recent.json", Instant.now());
    Path oldLive = dir.resolve("live.json");
    Files.write(oldLive, Announcement.ofThisProcess("pipe://live", List.of()).toJson());
    Files.setLastModifiedTime(oldLive, FileTime.from(Instant.now().minusSeconds(3600)));
    Path malformed = dir.resolve("bad.json");
    Files.writeString(malformed, "not json");
    Files.setLastModifiedTime(malformed, FileTime.from(Instant.now().minusSeconds(3600)));

    ServerAnnouncement.write(dir, "pipe://calc", List.of()).delete();

    assertThat(oldDead).doesNotExist();
    assertThat(recentDead).exists();
    assertThat(oldLive).exists();
    assertThat(malformed).exists();
  }

  @Test
  void removesOldTemporaryFilesOfDeadWritersOnlyAndNeverALiveWritersOne() throws IOException {
    Path dir = tmp.resolve("servers");
    RuntimeDirectory.ensure(dir);
    Instant old = Instant.now().minus(ServerAnnouncement.KEEP_STALE).minusSeconds(60);
    Path oldDead = temporary(dir, ".999999999-1-00ab.tmp", old);
    Path recentDead = temporary(dir, ".999999999-2-00cd.tmp", Instant.now());
    Path oldLive = temporary(dir, "." + ProcessHandle.current().pid() + "-3-00ef.tmp", old);
    Path notOurs = temporary(dir, ".notes.tmp", old);

    ServerAnnouncement.write(dir, "pipe://calc", List.of()).delete();

    assertThat(oldDead).doesNotExist();
    assertThat(recentDead).exists();
    assertThat(oldLive).exists();
    assertThat(notOurs).exists();
  }

  private static Path temporary(Path dir, String name, Instant written) throws IOException {
    Path file = Files.writeString(dir.resolve(name), "{\"uri\":");
    Files.setLastModifiedTime(file, FileTime.from(written));
    return file;
  }

  private static Path dead(Path dir, String name, Instant written) throws IOException {
    Path file = dir.resolve(name);
    Files.write(file, new Announcement("pipe://x", 999_999_999L, 1, written, List.of()).toJson());
    Files.setLastModifiedTime(file, FileTime.from(written.minusSeconds(1)));
    return file;
  }
}
