package org.witrpc.transport.pipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.witrpc.WitRemoteException;
import org.witrpc.WitTransportException;
import org.witrpc.client.WitClient;
import org.witrpc.server.WitServer;

@DisplayName("A client's maxFrameSize over pipe://")
class ClientFrameLimitTest {
  private static final int LIMIT = 64 << 10;

  /** The service: a text of any length, either way. */
  public interface Texts {
    String echo(String text);

    String repeat(String text, int times);
  }

  static final class TextsImpl implements Texts {
    @Override
    public String echo(String text) {
      return text;
    }

    @Override
    public String repeat(String text, int times) {
      return text.repeat(times);
    }
  }

  private final String uri =
      "pipe://cfl-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
  private final WitServer server =
      WitServer.builder().service(Texts.class, new TextsImpl()).transport(uri).build().start();
  private final WitClient client =
      WitClient.builder()
          .transport(uri)
          .maxFrameSize(LIMIT)
          .timeout(Duration.ofSeconds(10))
          .build()
          .connect(Duration.ofSeconds(10));

  @AfterEach
  void close() {
    client.close();
    server.close();
  }

  @Test
  void aRequestAboveTheLimitFailsBeforeItIsSentAndTheClientGoesOn() {
    Texts texts = client.service(Texts.class);

    assertThatThrownBy(() -> texts.echo("x".repeat(LIMIT)))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("maximum frame size is " + LIMIT);
    assertThat(texts.echo("small")).isEqualTo("small");
  }

  @Test
  void aReplyAboveTheLimitIsA500NamingTheLimitAndTheClientGoesOn() {
    Texts texts = client.service(Texts.class);

    assertThatThrownBy(() -> texts.repeat("x", 2 * LIMIT))
        .isInstanceOfSatisfying(
            WitRemoteException.class, e -> assertThat(e.status()).isEqualTo(500))
        .hasMessageContaining("the client accepts at most " + LIMIT + " bytes");
    assertThat(texts.repeat("x", 10)).as("the same connection").isEqualTo("x".repeat(10));
    assertThat(server.connectionCount()).isEqualTo(1);
  }
}
