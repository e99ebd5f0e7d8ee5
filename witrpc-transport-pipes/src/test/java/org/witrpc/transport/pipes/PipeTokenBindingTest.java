package org.witrpc.transport.pipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.witrpc.WitSecurityException;
import org.witrpc.client.WitClient;
import org.witrpc.internal.MessageType;
import org.witrpc.server.WitServer;
import org.witrpc.testkit.ImpostorServer;
import org.witrpc.testkit.RelayServer;
import org.witrpc.testkit.TestService;
import org.witrpc.testkit.TestServiceImpl;

/**
 * Token binding over a real Unix socket: an impostor server that took the name, and a relay between
 * the client and the real server, both running the real handshake without the token, learn nothing
 * and get no call.
 */
class PipeTokenBindingTest {
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final String TOKEN = "pipe-tok-5d0c8a3e71f24b9a";

  private final String name = "ptb" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private WitClient client(String pipe) {
    WitClient c =
        WitClient.builder()
            .transport("pipe://" + pipe)
            .encryption(true)
            .accessToken(TOKEN)
            .timeout(Duration.ofSeconds(5))
            .build();
    closeables.add(c);
    return c;
  }

  @Test
  void anImpostorOnTheNameLearnsNothingWhateverItsFlags() {
    for (ImpostorServer.Flags flags : ImpostorServer.Flags.values()) {
      String pipe = name + flags.ordinal();
      ImpostorServer impostor = ImpostorServer.start(PipeTransport.server(pipe).build(), flags);
      closeables.add(impostor);
      assertThatThrownBy(() -> client(pipe).connect(Duration.ofSeconds(5)))
          .as(flags.name())
          .isInstanceOf(WitSecurityException.class)
          .hasMessageNotContaining(TOKEN);
      assertThat(impostor.opened(MessageType.AUTH)).as(flags.name()).isFalse();
      assertThat(impostor.saw(TOKEN)).as(flags.name()).isFalse();
      assertThat(impostor.received(MessageType.REQUEST)).as(flags.name()).isFalse();
    }
  }

  @Test
  void aRelayBetweenClientAndServerLearnsNoTokenAndPassesNoCall() {
    WitServer server =
        WitServer.builder()
            .service(TestService.class, new TestServiceImpl())
            .transport("pipe://" + name)
            .encryption(true)
            .accessToken(TOKEN)
            .build()
            .start();
    closeables.add(server);
    RelayServer relay =
        RelayServer.start(
            PipeTransport.server(name + "-r").build(), PipeTransport.client(name).build());
    closeables.add(relay);
    assertThatThrownBy(
            () ->
                client(name + "-r")
                    .connect(Duration.ofSeconds(5))
                    .service(TestService.class)
                    .echo("via relay"))
        .isInstanceOf(WitSecurityException.class)
        .hasMessageContaining("did not prove that it knows the access token");
    assertThat(relay.tokens).isEmpty();
    assertThat(relay.forwardedCalls).hasValue(0);
    assertThat(client(name).connect(Duration.ofSeconds(5)).service(TestService.class).echo("ok"))
        .isEqualTo("ok");
  }
}
