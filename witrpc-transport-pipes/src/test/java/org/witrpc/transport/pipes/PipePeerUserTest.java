package org.witrpc.transport.pipes;

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
import org.witrpc.spi.TransportOptions;
import org.witrpc.testkit.RecordingListener;
import org.witrpc.testkit.StderrCapture;

/**
 * The peer-user check of {@code pipe://} with the kernel's real credentials. Tests cannot switch
 * users, so "another user" is a policy that does not admit this process's own user.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class PipePeerUserTest {
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final PeerPolicy NOBODY = PeerPolicy.matching(p -> false, "nobody");
  private static final PeerPolicy ONLY_54321 =
      PeerPolicy.matching(p -> p.user().getName().equals("54321"), "only uid 54321");

  private final String name =
      "peer" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();
  private final String me = PeerPolicy.currentUser().orElseThrow();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private void serve(PipeServerTransport server) {
    closeables.add(server);
    server.start(c -> new RecordingListener());
  }

  @Test
  void aServerRefusesAClientOfAUserItDoesNotAdmitAndLogsTheUser() {
    serve(PipeTransport.server(name).peerPolicy(NOBODY).build());
    try (StderrCapture log = StderrCapture.start()) {
      assertThatThrownBy(
              () -> PipeTransport.client(name).build().connect(new RecordingListener(), TIMEOUT))
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
    serve(PipeTransport.server(name).build());
    assertThatThrownBy(
            () ->
                PipeTransport.client(name)
                    .peerPolicy(ONLY_54321)
                    .build()
                    .connect(new RecordingListener(), TIMEOUT))
        .isInstanceOf(WitSecurityException.class)
        .hasMessageContaining("refusing server pipe://" + name)
        .hasMessageContaining("runs as user '" + me + "'")
        .hasMessageContaining("pipe://" + name + "?peerUsers=" + me);
  }

  @Test
  void theDefaultAndTheUriOptionAdmitTheSameUser() {
    PipeTransportProvider provider = new PipeTransportProvider();
    serve(
        (PipeServerTransport)
            provider.server(
                URI.create("pipe://" + name + "?peerUsers=54321,alice"),
                TransportOptions.defaults()));
    Connection viaUri =
        provider
            .client(URI.create("pipe://" + name + "?peerUsers=*"), TransportOptions.defaults())
            .connect(new RecordingListener(), TIMEOUT);
    closeables.add(viaUri::close);
    Connection byDefault =
        PipeTransport.client(name).build().connect(new RecordingListener(), TIMEOUT);
    closeables.add(byDefault::close);
    assertThat(viaUri.isOpen()).isTrue();
    assertThat(byDefault.isOpen()).isTrue();
  }

  @Test
  void aMalformedPeerUsersOptionIsRefused() {
    PipeTransportProvider provider = new PipeTransportProvider();
    assertThatThrownBy(
            () ->
                provider.client(
                    URI.create("pipe://" + name + "?peerUsers=a,,b"), TransportOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid pipe transport URI")
        .hasMessageContaining("peerUsers");
  }
}
