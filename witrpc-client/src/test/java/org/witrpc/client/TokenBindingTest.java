package org.witrpc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.witrpc.MemTransport;
import org.witrpc.WitSecurityException;
import org.witrpc.internal.MessageType;
import org.witrpc.server.WitServer;
import org.witrpc.testkit.ImpostorServer;
import org.witrpc.testkit.RelayServer;
import org.witrpc.testkit.TestService;
import org.witrpc.testkit.TestServiceImpl;

/**
 * The access token bound into the key agreement: an impostor server or a relay in the middle that
 * runs the real handshake learns nothing about the token and gets no call, and the client refuses a
 * server that does not bind (unless told it may send the token).
 */
class TokenBindingTest {
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final String TOKEN = "tok-7c1e90d2b34f4a6b8e2d";

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final String name = "bind" + NAMES.incrementAndGet();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private <T extends AutoCloseable> T closeLater(T c) {
    closeables.add(c);
    return c;
  }

  private WitServer server(String address, UnaryOperator<WitServer.Builder> config) {
    return closeLater(
            config
                .apply(
                    WitServer.builder()
                        .service(TestService.class, new TestServiceImpl())
                        .transport("mem://" + address)
                        .encryption(true)
                        .accessToken(TOKEN))
                .build())
        .start();
  }

  private WitClient client(String address, UnaryOperator<WitClient.Builder> config) {
    return closeLater(
        config
            .apply(
                WitClient.builder()
                    .transport("mem://" + address)
                    .encryption(true)
                    .accessToken(TOKEN)
                    .timeout(Duration.ofSeconds(5)))
            .build());
  }

  @Test
  void aServerWithTheSameStaticTokenIsServedAndTheTokenIsNeverSentEvenEncrypted() {
    server(name, b -> b);
    // a relay that only records the bytes: AUTH is 16 + 4 + 16 bytes, the marker and the tag
    EncryptionSecurityTest.Relay recorder =
        new EncryptionSecurityTest.Relay(MemTransport.client(name));
    WitClient c =
        closeLater(
            WitClient.builder()
                .transport(recorder)
                .encryption(true)
                .accessToken(TOKEN)
                .timeout(Duration.ofSeconds(5))
                .build());
    c.connect(Duration.ofSeconds(5));
    assertThat(c.service(TestService.class).echo("bound")).isEqualTo("bound");
    byte[] auth =
        recorder.seen.stream().filter(f -> f[0] == MessageType.AUTH.code()).findFirst().get();
    assertThat(auth).hasSize(16 + 4 + 16);
  }

  @Test
  void aBoundConnectionCarriesFramesAboveTheHandshakeLimitBothWays() {
    server(name, b -> b);
    WitClient c = client(name, b -> b);
    c.connect(Duration.ofSeconds(5));
    byte[] large = new byte[1 << 20]; // far above the 16 KiB allowed before READY
    new java.util.Random(7).nextBytes(large);
    assertThat(c.service(TestService.class).echoBytes(large)).isEqualTo(large);
    assertThat(c.state()).isEqualTo(ConnectionState.READY);
  }

  @Test
  void anImpostorThatDoesNotBindGetsNoTokenAndNoCall() {
    ImpostorServer impostor =
        closeLater(
            ImpostorServer.start(MemTransport.server(name), ImpostorServer.Flags.CLEAR_BINDING));
    WitClient c = client(name, b -> b);
    assertThatThrownBy(() -> c.connect(Duration.ofSeconds(5)))
        .isInstanceOf(WitSecurityException.class)
        .hasMessageContaining("does not bind the access token")
        .hasMessageContaining("sendTokenToServer(true)")
        .hasMessageNotContaining(TOKEN);
    assertThat(impostor.received(MessageType.AUTH)).isFalse();
    assertThat(impostor.saw(TOKEN)).isFalse();
    assertThat(impostor.received(MessageType.REQUEST)).isFalse();
  }

  @Test
  void anImpostorThatClaimsToBindCanOpenNothingAndTheClientRefusesIt() {
    ImpostorServer impostor =
        closeLater(ImpostorServer.start(MemTransport.server(name), ImpostorServer.Flags.MIRROR));
    WitClient c = client(name, b -> b);
    assertThatThrownBy(() -> c.connect(Duration.ofSeconds(5)))
        .isInstanceOf(WitSecurityException.class)
        .hasMessageContaining("did not prove that it knows the access token")
        .hasMessageNotContaining(TOKEN);
    assertThat(impostor.opened(MessageType.AUTH)).isFalse();
    assertThat(impostor.saw(TOKEN)).isFalse();
    assertThat(impostor.received(MessageType.REQUEST)).isFalse();
    assertThat(c.state()).isNotEqualTo(ConnectionState.READY);
  }

  /**
   * An AUTH_ACK in clear right behind HELLO_ACK used to pass through the client's channel before
   * the connecting thread installed its keys, and was taken as the handshake's answer: connect()
   * succeeded against an impostor without the token (most of 20 tries) and calls went to it.
   */
  @Test
  void anImpostorsAuthAckInClearBeforeTheKeysIsRefused() {
    for (int i = 0; i < 20; i++) {
      String address = name + "-clear-" + i;
      ImpostorServer impostor =
          closeLater(
              ImpostorServer.start(
                  MemTransport.server(address), ImpostorServer.Flags.MIRROR_THEN_CLEAR_AUTH_ACK));
      WitClient c = client(address, b -> b);
      assertThatThrownBy(() -> c.connect(Duration.ofSeconds(5)))
          .as("try %d", i)
          .isInstanceOf(WitSecurityException.class);
      assertThat(c.state()).isNotEqualTo(ConnectionState.READY);
      assertThat(impostor.received(MessageType.REQUEST)).isFalse();
    }
  }

  @Test
  void aRelayRunningItsOwnHandshakesLearnsNoTokenAndGetsNoCallThrough() {
    server(name, b -> b);
    RelayServer relay =
        closeLater(
            RelayServer.start(MemTransport.server(name + "-relay"), MemTransport.client(name)));
    WitClient c = client(name + "-relay", b -> b);
    assertThatThrownBy(
            () -> {
              c.connect(Duration.ofSeconds(5));
              c.service(TestService.class).echo("through the relay");
            })
        .isInstanceOf(WitSecurityException.class)
        .hasMessageContaining("did not prove that it knows the access token");
    assertThat(relay.tokens).isEmpty();
    assertThat(relay.fromClient).noneMatch(e -> e.type() == MessageType.AUTH);
    assertThat(relay.forwardedCalls).hasValue(0);
    // the real server still serves a direct client
    WitClient direct = client(name, b -> b).connect(Duration.ofSeconds(5));
    assertThat(direct.service(TestService.class).echo("direct")).isEqualTo("direct");
  }

  @Test
  void aWrongTokenFailsOnBothSidesWithoutTheServerSeeingIt() {
    server(name, b -> b);
    assertThatThrownBy(
            () -> client(name, b -> b.accessToken("wrong")).connect(Duration.ofSeconds(5)))
        .isInstanceOf(WitSecurityException.class)
        .hasMessageContaining("did not prove that it knows the access token")
        .hasMessageNotContaining("wrong");
    WitClient right = client(name, b -> b).connect(Duration.ofSeconds(5));
    assertThat(right.service(TestService.class).echo("ok")).isEqualTo("ok");
  }

  @Test
  void aClientWithoutATokenIsRefusedByABindingServer() {
    server(name, b -> b);
    WitClient withoutToken =
        closeLater(
            WitClient.builder()
                .transport("mem://" + name)
                .encryption(true)
                .timeout(Duration.ofSeconds(5))
                .build());
    assertThatThrownBy(() -> withoutToken.connect(Duration.ofSeconds(5)))
        .isInstanceOf(WitSecurityException.class)
        .hasMessageContaining("the server requires an access token");
  }

  @Test
  void aServerWithATokenValidatorIsRefusedByDefaultAndServedWithTheOptOut() {
    List<String> validated = new java.util.concurrent.CopyOnWriteArrayList<>();
    server(
        name,
        b ->
            b.tokenValidator(
                t -> {
                  validated.add(t);
                  return TOKEN.equals(t);
                }));
    assertThatThrownBy(() -> client(name, b -> b).connect(Duration.ofSeconds(5)))
        .isInstanceOf(WitSecurityException.class)
        .hasMessageContaining("does not bind the access token")
        .hasMessageContaining("sendTokenToServer(true)");
    assertThat(validated).isEmpty(); // the token was not sent
    WitClient optedIn = client(name, b -> b.sendTokenToServer(true)).connect(Duration.ofSeconds(5));
    assertThat(optedIn.service(TestService.class).echo("validated")).isEqualTo("validated");
    assertThat(validated).containsExactly(TOKEN);
  }

  @Test
  void theOptOutStillBindsWithABindingServer() {
    server(name, b -> b);
    EncryptionSecurityTest.Relay recorder =
        new EncryptionSecurityTest.Relay(MemTransport.client(name));
    WitClient c =
        closeLater(
            WitClient.builder()
                .transport(recorder)
                .encryption(true)
                .accessToken(TOKEN)
                .sendTokenToServer(true)
                .timeout(Duration.ofSeconds(5))
                .build());
    c.connect(Duration.ofSeconds(5));
    assertThat(c.service(TestService.class).echo("x")).isEqualTo("x");
    byte[] auth =
        recorder.seen.stream().filter(f -> f[0] == MessageType.AUTH.code()).findFirst().get();
    assertThat(auth).hasSize(16 + 4 + 16);
  }

  @Test
  void aRelayThatClearsTheBindingBitIsRefusedBeforeAuth() {
    server(name, b -> b);
    EncryptionSecurityTest.Relay relay =
        new EncryptionSecurityTest.Relay(MemTransport.client(name));
    relay.down = (i, f) -> List.of(i == 0 ? clearBindingBit(f) : f);
    WitClient c =
        closeLater(
            WitClient.builder()
                .transport(relay)
                .encryption(true)
                .accessToken(TOKEN)
                .timeout(Duration.ofSeconds(5))
                .build());
    assertThatThrownBy(() -> c.connect(Duration.ofSeconds(5)))
        .isInstanceOf(WitSecurityException.class)
        .hasMessageContaining("does not bind the access token");
    assertThat(relay.seen).noneMatch(f -> f[0] == MessageType.AUTH.code());
  }

  /** HELLO_ACK: 16-byte header, u16 version, u8 flags: clear bit 1 of the flags. */
  private static byte[] clearBindingBit(byte[] frame) {
    byte[] b = frame.clone();
    ByteBuffer.wrap(b).put(18, (byte) (b[18] & ~0b10));
    return b;
  }

  @Test
  void withoutEncryptionATokenIsStillSentAndChecked() {
    server(name, b -> b.encryption(false));
    WitClient c = client(name, b -> b.encryption(false)).connect(Duration.ofSeconds(5));
    assertThat(c.service(TestService.class).echo("plain")).isEqualTo("plain");
    assertThatThrownBy(
            () ->
                client(name, b -> b.encryption(false).accessToken("bad"))
                    .connect(Duration.ofSeconds(5)))
        .isInstanceOf(WitSecurityException.class)
        .hasMessageContaining("access token refused");
  }
}
