package org.witrpc.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.witrpc.internal.Announcement;

class LocalServersTest {
  @TempDir Path dir;

  @Test
  void aServerOfThisProcessOnANetworkTransportIsLive() throws IOException {
    write("a.json", Announcement.ofThisProcess("tcp://127.0.0.1:7000", List.of("x.Calc")));

    List<LocalServer> servers = LocalServers.list(dir);

    assertThat(servers).hasSize(1);
    LocalServer s = servers.get(0);
    assertThat(s.name()).isEqualTo("127.0.0.1:7000");
    assertThat(s.transport()).isEqualTo("tcp");
    assertThat(s.pid()).isEqualTo(ProcessHandle.current().pid());
    assertThat(s.services()).containsExactly("x.Calc");
    assertThat(s.live()).isTrue();
    assertThat(s.problem()).isEmpty();
  }

  @Test
  void aLocalServerWhoseSocketIsGoneIsStaleEvenIfItsProcessRuns() throws IOException {
    write(
        "a.json",
        Announcement.ofThisProcess("pipe:///nonexistent/witrpc-test.sock", List.of("x.Calc")));

    assertThat(LocalServers.list(dir))
        .singleElement()
        .extracting(LocalServer::live)
        .isEqualTo(false);
  }

  @Test
  void aProcessThatReusedTheIdOfTheWriterDoesNotMakeItLive() throws IOException {
    Announcement self = Announcement.ofThisProcess("tcp://127.0.0.1:7000", List.of());
    write(
        "a.json",
        new Announcement(
            self.uri(), self.pid(), self.processStart() - 60_000, self.startedAt(), List.of()));

    assertThat(LocalServers.list(dir))
        .singleElement()
        .extracting(LocalServer::live)
        .isEqualTo(false);
  }

  @Test
  void malformedLargeAndLinkedFilesAreListedAsUnreadableNotThrown() throws IOException {
    Files.writeString(dir.resolve("bad.json"), "{\"uri\":42,\"services\":[]}");
    Files.writeString(dir.resolve("big.json"), " ".repeat(Announcement.MAX_FILE_BYTES + 1));
    Path outside = Files.createTempFile("witrpc-outside", ".json");
    try {
      Files.write(outside, Announcement.ofThisProcess("tcp://h:1", List.of()).toJson());
      Files.createSymbolicLink(dir.resolve("link.json"), outside);

      List<LocalServer> servers = LocalServers.list(dir);

      assertThat(servers)
          .extracting(LocalServer::name, LocalServer::live, LocalServer::problem)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple(
                  "bad.json", false, "malformed: uri is not a string"),
              org.assertj.core.groups.Tuple.tuple("big.json", false, "too large"),
              org.assertj.core.groups.Tuple.tuple("link.json", false, "not a regular file"));
    } finally {
      Files.delete(outside);
    }
  }

  @Test
  void listingRemovesNothingAndAMissingDirectoryIsEmpty() throws IOException {
    write("dead.json", new Announcement("pipe://gone", 999_999_999L, 1, Instant.now(), List.of()));

    assertThat(LocalServers.list(dir))
        .singleElement()
        .extracting(LocalServer::live)
        .isEqualTo(false);
    assertThat(dir.resolve("dead.json")).exists();
    assertThat(LocalServers.list(dir.resolve("none"))).isEmpty();
  }

  private void write(String name, Announcement announcement) throws IOException {
    Files.write(dir.resolve(name), announcement.toJson());
    assertThat(new String(announcement.toJson(), StandardCharsets.UTF_8)).contains("\"uri\"");
  }
}
