package org.witrpc.transport.mmf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
}
