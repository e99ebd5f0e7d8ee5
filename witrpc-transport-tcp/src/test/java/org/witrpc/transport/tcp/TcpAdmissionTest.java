package org.witrpc.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.witrpc.Transports;
import org.witrpc.testkit.RecordingListener;

/**
 * A client slot is taken when a socket is admitted, not when its connection opens later: sockets
 * admitted at once (on different event loops) cannot together exceed {@code maxClients}.
 */
class TcpAdmissionTest {

  @Test
  void anAdmittedSocketHoldsItsSlotBeforeItsConnectionOpens() {
    try (TcpServerTransport server =
        (TcpServerTransport) Transports.server("tcp://127.0.0.1:0?maxClients=1")) {
      server.start(connection -> new RecordingListener());
      EmbeddedChannel first = new EmbeddedChannel();
      EmbeddedChannel second = new EmbeddedChannel();
      try {
        assertThat(server.admit(first)).isTrue();
        assertThat(server.admit(second)).as("second socket, the only slot reserved").isFalse();
      } finally {
        first.finishAndReleaseAll();
        second.finishAndReleaseAll();
      }
    }
  }
}
