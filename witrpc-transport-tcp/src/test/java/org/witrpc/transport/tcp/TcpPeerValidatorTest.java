package org.witrpc.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.witrpc.WitSecurityException;
import org.witrpc.client.WitClient;
import org.witrpc.server.WitServer;
import org.witrpc.testkit.TestService;
import org.witrpc.testkit.TestServiceImpl;
import org.witrpc.transport.tcp.testkit.TestCertificates;
import org.witrpc.transport.tcp.testkit.TlsFixture;

/**
 * A server's {@code peerValidator} sees the subject of each client certificate under mutual TLS and
 * decides who may call; a peer it refuses, or one without an authenticated identity, gets a clear
 * refusal, and the server keeps serving the others.
 */
class TcpPeerValidatorTest {
  private static final Duration AWAIT = Duration.ofSeconds(10);
  private static TlsFixture tls;
  private static TestCertificates.Leaf intruder;

  private final List<Principal> seen = new CopyOnWriteArrayList<>();
  private WitServer server;

  @BeforeAll
  static void makeCertificates() {
    tls = new TlsFixture("tcp://127.0.0.1:%d");
    intruder = new TestCertificates(tls.directory).leaf(tls.ca, "intruder");
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private int start(boolean mutual) {
    server =
        WitServer.builder()
            .service(TestService.class, new TestServiceImpl())
            .transport(tls.serverUri(0, mutual))
            .peerValidator(
                peer -> {
                  seen.add(peer);
                  return peer.getName().endsWith("CN=client");
                })
            .build()
            .start();
    return URI.create(server.address()).getPort();
  }

  private WitClient client(String uri) {
    return WitClient.builder().transport(uri).build();
  }

  @Test
  void aClientWhoseCertificateTheValidatorAcceptsCalls() {
    int port = start(true);
    try (WitClient client = client(tls.clientUri(port, true))) {
      client.connect(AWAIT);
      assertThat(client.service(TestService.class).echo("hi")).isEqualTo("hi");
    }
    assertThat(seen)
        .containsExactly((Principal) tls.client.certificate().getSubjectX500Principal());
  }

  @Test
  void aClientWhoseCertificateTheValidatorRefusesIsToldWhoWasRefusedAndOthersStillCall() {
    int port = start(true);
    String intruderUri =
        "tcp://127.0.0.1:"
            + port
            + "?trust="
            + tls.ca.pem()
            + "&certificate="
            + intruder.chain()
            + "&key="
            + intruder.key();
    try (WitClient refused = client(intruderUri)) {
      assertThatThrownBy(() -> refused.connect(AWAIT))
          .isInstanceOf(WitSecurityException.class)
          .hasMessageContaining("peer identity refused: ")
          .hasMessageContaining("CN=intruder");
    }
    try (WitClient accepted = client(tls.clientUri(port, true))) {
      accepted.connect(AWAIT);
      assertThat(accepted.service(TestService.class).echo(7)).isEqualTo(7);
    }
  }

  @Test
  void withAValidatorAPeerWithoutAnAuthenticatedIdentityIsRefused() {
    int port = start(false); // TLS, but no client certificates
    try (WitClient client = client(tls.clientUri(port, false))) {
      assertThatThrownBy(() -> client.connect(AWAIT))
          .isInstanceOf(WitSecurityException.class)
          .hasMessageContaining("requires an authenticated peer identity");
    }
    assertThat(seen).isEmpty();
  }
}
