package org.witrpc.transport.mmf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.witrpc.WitSecurityException;
import org.witrpc.spi.Connection;
import org.witrpc.spi.PeerPolicy;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.TransportOptions;
import org.witrpc.testkit.StderrCapture;

/**
 * The peer-user check of {@code mmf://} with the kernel's real credentials. Tests cannot switch
 * users, so "another user" is a policy that does not admit this process's own user.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class MmfPeerUserTest {
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final PeerPolicy NOBODY = PeerPolicy.matching(p -> false, "nobody");
  private static final PeerPolicy ONLY_54321 =
      PeerPolicy.matching(p -> p.user().getName().equals("54321"), "only uid 54321");

  private final String name =
      "mpeer" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();
  private final String me = PeerPolicy.currentUser().orElseThrow();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private void serve(ServerTransport server) {
    closeables.add(server);
    server.start(c -> new org.witrpc.testkit.RecordingListener());
  }

  private Connection connect(MmfClientTransport client) {
    Connection c = client.connect(new org.witrpc.testkit.RecordingListener(), TIMEOUT);
    closeables.add(c::close);
    return c;
  }

  @Test
  void aServerRefusesAClientOfAUserItDoesNotAdmitAndLogsTheUser() {
    serve(MmfTransport.server(name).peerPolicy(NOBODY).build());
    try (StderrCapture log = StderrCapture.start()) {
      assertThatThrownBy(() -> connect(MmfTransport.client(name).build()))
          .isInstanceOf(WitSecurityException.class)
          .hasMessageContaining("refused the connection")
          .hasMessageContaining("does not admit clients running as user '" + me + "'");
      assertThat(
              log.awaitContains(
                  "refusing a client running as user '" + me + "': this server admits nobody",
                  TIMEOUT))
          .as("the server's log line")
          .isTrue();
    }
  }

  @Test
  void aClientRefusesAServerOfAnotherUserNamingItAndHowToAllowIt() {
    serve(MmfTransport.server(name).build());
    assertThatThrownBy(() -> connect(MmfTransport.client(name).peerPolicy(ONLY_54321).build()))
        .isInstanceOf(WitSecurityException.class)
        .hasMessageContaining("refusing server mmf://" + name)
        .hasMessageContaining("runs as user '" + me + "'")
        .hasMessageContaining("mmf://" + name + "?peerUsers=" + me);
  }

  @Test
  void theDefaultAndTheUriOptionAdmitTheSameUser() {
    MmfTransportProvider provider = new MmfTransportProvider();
    serve(
        provider.server(
            URI.create("mmf://" + name + "?peerUsers=54321,alice"), TransportOptions.defaults()));
    Connection viaUri =
        provider
            .client(URI.create("mmf://" + name + "?peerUsers=*"), TransportOptions.defaults())
            .connect(new org.witrpc.testkit.RecordingListener(), TIMEOUT);
    closeables.add(viaUri::close);
    Connection byDefault = connect(MmfTransport.client(name).build());
    assertThat(viaUri.isOpen()).isTrue();
    assertThat(byDefault.isOpen()).isTrue();
  }

  @Test
  void aMalformedPeerUsersOptionIsRefused() {
    MmfTransportProvider provider = new MmfTransportProvider();
    assertThatThrownBy(
            () ->
                provider.client(
                    URI.create("mmf://" + name + "?peerUsers="), TransportOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("peerUsers");
  }
}
