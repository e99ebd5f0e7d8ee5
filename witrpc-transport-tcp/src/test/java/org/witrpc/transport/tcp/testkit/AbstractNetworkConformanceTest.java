package org.witrpc.transport.tcp.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.witrpc.WitTransportException;
import org.witrpc.spi.ClientTransport;
import org.witrpc.testkit.AbstractTransportTest;
import org.witrpc.testkit.RecordingListener;

/**
 * The transport conformance suite on a network transport on 127.0.0.1: a test's name is a free
 * port, so that errors and addresses, which name the port, name the test's server; the frames that
 * fill the socket buffers are those of loopback ({@link LoopbackBuffers}).
 */
public abstract class AbstractNetworkConformanceTest extends AbstractTransportTest {

  /** For the subclass of each transport. */
  protected AbstractNetworkConformanceTest() {}

  /** The port a test's name stands for. */
  protected static int port(String name) {
    return Integer.parseInt(name);
  }

  @Override
  protected String uniqueName() {
    return Integer.toString(TestPorts.free());
  }

  @Override
  protected int framePastTheBuffers() {
    return LoopbackBuffers.framePastTheBuffers();
  }

  @Override
  protected ByteBuffer frameThePeerStillTakes() {
    return LoopbackBuffers.frameThePeerStillTakes();
  }

  /**
   * Every refused connect fails at once, not only the first: with no other user of the I/O threads,
   * a refused socket used to give its hold on them back as it closed, so they could be shut down
   * before they reported the refusal, and such a connect then waited its whole timeout (about 1 in
   * 1,000 connects on a 2-core machine).
   */
  @Test
  void everyRefusedConnectFailsAtOnce() {
    String name = uniqueName();
    ClientTransport client = newClient(name);
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          for (int i = 0; i < 1_500; i++) {
            assertThatThrownBy(() -> client.connect(new RecordingListener(), Duration.ofMinutes(1)))
                .isInstanceOf(WitTransportException.class)
                .hasMessageContaining(name);
          }
        });
  }
}
