package org.witrpc.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.witrpc.MemTransport;
import org.witrpc.internal.Envelope;
import org.witrpc.internal.Handshake;
import org.witrpc.internal.HandshakeTranscript;
import org.witrpc.internal.KeyExchange;
import org.witrpc.internal.MessageType;
import org.witrpc.internal.SecureChannel;
import org.witrpc.internal.SessionKeys;
import org.witrpc.spi.Connection;
import org.witrpc.testkit.TestService;
import org.witrpc.testkit.TestServiceImpl;

/**
 * The server's side of token binding, with a raw client: version 3 only, the binding flag in
 * HELLO_ACK exactly when the server checks a static token with encryption, and a token sent instead
 * of bound is refused without being compared.
 */
class TokenBindingServerTest {
  private static final AtomicInteger NAMES = new AtomicInteger();
  private final String name = "tbs" + NAMES.incrementAndGet();
  private WitServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void start(WitServer.Builder b) {
    server =
        b.service(TestService.class, new TestServiceImpl())
            .transport("mem://" + name)
            .encryption(true)
            .build()
            .start();
  }

  /** An encrypted raw client that sent HELLO with {@code flags} and installed unbound keys. */
  private record Session(ServerProtocolTest.Raw raw, SecureChannel channel, Handshake.Hello ack) {}

  private Session hello(int flags) throws InterruptedException {
    ServerProtocolTest.Raw raw = new ServerProtocolTest.Raw();
    SecureChannel channel = new SecureChannel().listener(raw);
    Connection c = MemTransport.client(name).connect(channel, Duration.ofSeconds(1));
    channel.attach(c);
    KeyExchange kx = KeyExchange.generate();
    ByteBuffer hello =
        Handshake.hello(
            MessageType.HELLO,
            new Handshake.Hello(Handshake.PROTOCOL_VERSION, flags, "json"),
            kx.publicKey());
    HandshakeTranscript t = new HandshakeTranscript().add(hello);
    channel.send(hello);
    Envelope ack = raw.nextEnvelope();
    assertThat(ack.status()).isEqualTo(200);
    t.add(ack);
    Handshake.Hello theirs = Handshake.readHello(ack.body());
    SessionKeys keys = SessionKeys.derive(kx.agree(Handshake.readPublicKey(ack.body())), t.hash());
    channel.start(keys.sealer(true), keys.opener(true));
    return new Session(raw, channel, theirs);
  }

  /** A token no client could send (the protocol's limit is 8 KiB) is refused where it is set. */
  @Test
  void aTokenLongerThanTheProtocolAllowsIsRefusedByTheBuilder() {
    WitServer.Builder builder = WitServer.builder();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> builder.accessToken("t".repeat(Handshake.MAX_TOKEN_BYTES + 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("accessToken has 8193 UTF-8 bytes; the protocol allows at most 8192");
    builder.accessToken("t".repeat(Handshake.MAX_TOKEN_BYTES));
  }

  @Test
  void aVersion2ClientGetsTheVersionMismatch() throws Exception {
    start(WitServer.builder().accessToken("t"));
    ServerProtocolTest.Raw raw = new ServerProtocolTest.Raw();
    MemTransport.client(name)
        .connect(raw, Duration.ofSeconds(1))
        .send(Handshake.hello(MessageType.HELLO, new Handshake.Hello(2, 1, "json"), new byte[32]));
    Envelope ack = raw.nextEnvelope();
    assertThat(ack.status()).isEqualTo(400);
    assertThat(Handshake.readStatusMessage(ack.body()))
        .isEqualTo("protocol version mismatch: client speaks version 2, server speaks version 5");
  }

  @Test
  void onlyAServerWithAStaticTokenBinds() throws Exception {
    start(WitServer.builder().accessToken("static"));
    assertThat(hello(Handshake.FLAG_ENCRYPTION).ack().tokenBinding()).isTrue();
    server.close();
    start(WitServer.builder().tokenValidator(t -> true));
    assertThat(hello(Handshake.FLAG_ENCRYPTION).ack().tokenBinding()).isFalse();
    server.close();
    start(WitServer.builder());
    assertThat(hello(Handshake.FLAG_ENCRYPTION).ack().tokenBinding()).isFalse();
  }

  @Test
  void aTokenSentInsteadOfBoundIsRefusedEvenIfRight() throws Exception {
    start(WitServer.builder().accessToken("static"));
    // the right token, sent in AUTH by a client that did not set the binding flag
    Session s = hello(Handshake.FLAG_ENCRYPTION);
    s.channel().send(Handshake.auth("static"));
    Envelope ack = s.raw().nextEnvelope();
    assertThat(ack.type()).isEqualTo(MessageType.AUTH_ACK);
    assertThat(ack.status()).isEqualTo(561);
    assertThat(Handshake.readStatusMessage(ack.body())).contains("binds the token");
  }

  @Test
  void theBindingFlagWithoutEncryptionIsRefused() throws Exception {
    server =
        WitServer.builder()
            .service(TestService.class, new TestServiceImpl())
            .transport("mem://" + name)
            .build()
            .start();
    ServerProtocolTest.Raw raw = new ServerProtocolTest.Raw();
    MemTransport.client(name)
        .connect(raw, Duration.ofSeconds(1))
        .send(
            Handshake.hello(
                MessageType.HELLO,
                new Handshake.Hello(
                    Handshake.PROTOCOL_VERSION, Handshake.FLAG_TOKEN_BINDING, "json")));
    Envelope ack = raw.nextEnvelope();
    assertThat(ack.status()).isEqualTo(400);
    assertThat(Handshake.readStatusMessage(ack.body())).contains("token binding", "encryption");
  }
}
