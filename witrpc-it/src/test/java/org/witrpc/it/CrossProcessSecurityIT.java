package org.witrpc.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;
import org.witrpc.WitSecurityException;
import org.witrpc.WitTransportException;
import org.witrpc.client.WitClient;
import org.witrpc.testkit.TestService;

/**
 * The handshake's security checks against a server in another JVM that requires encryption and the
 * access token {@value #TOKEN}: a wrong token, no token or no encryption is refused at connect, a
 * client with the right settings is served, and refusals leave the server serving. One server JVM
 * per transport serves all tests of that transport.
 */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"pipe", "mmf"})
@DisplayName("A server in another JVM with encryption and an access token")
class CrossProcessSecurityIT {
  private static final String TOKEN = "s3cret";
  private static final Duration CONNECT = Duration.ofSeconds(10);

  private static ServerProcess server;

  @RegisterExtension static final CrossProcessHarness HARNESS = new CrossProcessHarness();

  @Parameter String transport;

  @BeforeParameterizedClassInvocation
  static void startServer(String transport) throws Exception {
    String prefix = HARNESS.newPrefix(transport.charAt(0) + "sec");
    server =
        ServerProcess.startShared(
            HARNESS.children(),
            prefix + "-server",
            TestServerMain.securityOptions(true, TOKEN),
            ServerProcess.uri(transport, prefix),
            "msgpack");
  }

  @AfterParameterizedClassInvocation
  static void stopServer() {
    HARNESS.closeSharedAndCheckNoFilesLeft();
  }

  /** A client builder for the server, with the given settings ({@code token} null for none). */
  private static WitClient.Builder client(boolean encryption, String token) {
    WitClient.Builder builder =
        WitClient.builder()
            .transport(server.uri())
            .serializer(ItSerializers.byName("msgpack"))
            .timeout(Duration.ofSeconds(30))
            .encryption(encryption);
    return token == null ? builder : builder.accessToken(token);
  }

  /** Connects a client with the right settings and checks that a call succeeds. */
  private void assertCorrectClientIsServed(String text) {
    WitClient client = HARNESS.closeAfterTest(client(true, TOKEN).build().connect(CONNECT));
    assertThat(client.service(TestService.class).echo(text)).isEqualTo(text);
  }

  @Test
  void rightTokenAndEncryptionAreServed() {
    assertCorrectClientIsServed("héllo, encrypted " + transport);
  }

  @Test
  void wrongTokenIsRefused() {
    assertThatThrownBy(() -> client(true, "wrong").build().connect(CONNECT))
        .isInstanceOf(WitSecurityException.class);
    assertCorrectClientIsServed("after a wrong token");
  }

  @Test
  void missingTokenIsRefused() {
    assertThatThrownBy(() -> client(true, null).build().connect(CONNECT))
        .isInstanceOf(WitSecurityException.class);
    assertCorrectClientIsServed("after no token");
  }

  @Test
  void clientWithoutEncryptionIsRefusedNamingTheSetting() {
    assertThatThrownBy(() -> client(false, TOKEN).build().connect(CONNECT))
        .isInstanceOfAny(WitSecurityException.class, WitTransportException.class)
        .hasMessageContaining("encryption");
    assertCorrectClientIsServed("after a plain client");
  }

  @Test
  void repeatedRefusalsLeaveTheServerServing() {
    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> client(true, "wrong").build().connect(CONNECT))
          .isInstanceOf(WitSecurityException.class);
      assertThatThrownBy(() -> client(true, null).build().connect(CONNECT))
          .isInstanceOf(WitSecurityException.class);
      assertThatThrownBy(() -> client(false, TOKEN).build().connect(CONNECT))
          .isInstanceOfAny(WitSecurityException.class, WitTransportException.class)
          .hasMessageContaining("encryption");
    }
    assertCorrectClientIsServed("after fifteen refusals");
    assertCorrectClientIsServed("and a second client at once");
  }
}
