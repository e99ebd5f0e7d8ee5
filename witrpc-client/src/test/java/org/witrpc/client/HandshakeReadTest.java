package org.witrpc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.witrpc.Serializers;
import org.witrpc.Status;
import org.witrpc.WitTransportException;
import org.witrpc.internal.Envelope;
import org.witrpc.internal.Handshake;
import org.witrpc.internal.MessageType;
import org.witrpc.spi.Connection;
import org.witrpc.testkit.StubConnection;

/**
 * The connecting thread reads its handshake answer from the connection itself ({@link
 * Connection#readUntil}, within the client's spin budget) before it parks, and still gives up at
 * the handshake's deadline when no answer comes.
 */
class HandshakeReadTest {
  private static final long SPIN = TimeUnit.MICROSECONDS.toNanos(20); // the default budget

  private final ClientConnection cc =
      new ClientConnection(Serializers.json(), new Subscriptions(), 100, (c, e) -> {});

  @Test
  void theConnectingThreadReadsTheAnswerItselfWhereTheTransportLetsIt() {
    ByteBuffer answer = Handshake.status(MessageType.HELLO_ACK, Status.OK, "");
    // A transport whose own reader never delivers: only a thread that reads itself gets the answer.
    AnsweringConnection connection = new AnsweringConnection(cc, answer);
    cc.attach(connection);

    Envelope env = cc.awaitHandshake(TimeUnit.SECONDS.toNanos(10), SPIN, "answering://test");

    assertThat(env.type()).isEqualTo(MessageType.HELLO_ACK);
    assertThat(connection.reader).isSameAs(Thread.currentThread());
  }

  @Test
  void aServerThatNeverAnswersStillTimesOut() {
    AnsweringConnection connection = new AnsweringConnection(cc, null);
    cc.attach(connection);

    assertThatThrownBy(
            () -> cc.awaitHandshake(TimeUnit.MILLISECONDS.toNanos(50), SPIN, "silent://test"))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("no handshake answer from silent://test in time");
    assertThat(connection.reader).as("it read the connection before it parked").isNotNull();
  }

  /** Delivers {@code answer} (if any) to the listener only from {@link #readUntil}. */
  private static final class AnsweringConnection extends StubConnection {
    private final ClientConnection listener;
    private ByteBuffer answer;
    volatile Thread reader;

    AnsweringConnection(ClientConnection listener, ByteBuffer answer) {
      super("answering://test");
      this.listener = listener;
      this.answer = answer;
    }

    @Override
    public boolean readUntil(BooleanSupplier done, long deadlineNanos) {
      reader = Thread.currentThread();
      if (answer != null) {
        listener.onFrame(answer);
        answer = null;
      }
      while (!done.getAsBoolean()) {
        if (System.nanoTime() - deadlineNanos >= 0) {
          return false;
        }
        Thread.onSpinWait();
      }
      return true;
    }
  }
}
