package org.witrpc.transport.mmf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.witrpc.Transports;
import org.witrpc.client.LocalServer;
import org.witrpc.client.LocalServers;
import org.witrpc.client.WitClient;
import org.witrpc.server.WitServer;
import org.witrpc.testkit.TestService;
import org.witrpc.testkit.TestServiceImpl;

/**
 * A server in a runtime directory of its own announces an address that reaches it ({@code
 * mmf://NAME?dir=...}), so {@code witrpc list} probes that directory and lists it as live.
 */
class MmfAnnouncedDirectoryTest {
  @TempDir Path tmp;

  @Test
  void aServerInAnotherDirectoryIsListedLiveUnderAnAddressThatReachesIt() throws Exception {
    Path dir = tmp.resolve("run dir&x=%"); // created owner-only by the server
    String name = "mad" + ProcessHandle.current().pid();
    WitServer server =
        WitServer.builder()
            .service(TestService.class, new TestServiceImpl())
            .transport(MmfTransport.server(name).directory(dir).size(64 * 1024).build())
            .build();
    server.start();
    try {
      LocalServer listed =
          LocalServers.list().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();

      assertThat(listed.live()).isTrue();
      assertThat(listed.uri()).isEqualTo(server.address()).startsWith("mmf://" + name + "?dir=");
      try (WitClient client =
          WitClient.builder().transport(listed.uri()).timeout(Duration.ofSeconds(10)).build()) {
        client.connect(Duration.ofSeconds(5));
        assertThat(client.service(TestService.class).echo(7)).isEqualTo(7);
      }
    } finally {
      server.close();
    }
  }

  @Test
  void aRelativeDirectoryIsTheSameDirectoryForTheServerAndItsClients() throws Exception {
    // relative to the working directory (the module's): the mapping paths the server hands over
    // were relative too, and its clients refused them ("unexpected mapping file")
    Path relative = Path.of("target", "mmf-rel-" + ProcessHandle.current().pid());
    String uri = "mmf://rel?dir=" + relative;
    WitServer server =
        WitServer.builder()
            .service(TestService.class, new TestServiceImpl())
            .transport(uri)
            .build();
    server.start();
    try {
      assertThat(server.address())
          .isEqualTo("mmf://rel?dir=" + relative.toAbsolutePath().normalize());
      for (String address : new String[] {uri, server.address()}) {
        try (WitClient client =
            WitClient.builder().transport(address).timeout(Duration.ofSeconds(10)).build()) {
          client.connect(Duration.ofSeconds(5));
          assertThat(client.service(TestService.class).echo(7)).as(address).isEqualTo(7);
        }
      }
    } finally {
      server.close();
      try (Stream<Path> left = Files.list(relative)) {
        for (Path file : left.toList()) {
          Files.delete(file);
        }
      }
      Files.delete(relative);
    }
  }

  @Test
  void anInvalidDirectoryIsAnErrorNamingTheUri() {
    assertThatThrownBy(() -> Transports.server("mmf://bad?dir=a%00b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid mmf transport URI 'mmf://bad?dir=a%00b'");
  }
}
