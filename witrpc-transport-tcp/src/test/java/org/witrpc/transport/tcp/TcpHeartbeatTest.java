package org.witrpc.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.ServerTransport;
import org.witrpc.transport.tcp.testkit.AbstractHeartbeatTest;

/** Heartbeats of {@code tcp://}: the silent peers say or answer the hello, then nothing. */
class TcpHeartbeatTest extends AbstractHeartbeatTest {

  @Override
  protected ServerTransport newServer(Duration interval, int misses) {
    return TcpTransport.server("127.0.0.1", 0).heartbeat(interval, misses).build();
  }

  @Override
  protected ClientTransport newClient(int port, Duration interval, int misses) {
    return TcpTransport.client("127.0.0.1", port).heartbeat(interval, misses).build();
  }

  @Override
  protected AutoCloseable openSilentClient(int port) throws Exception {
    Socket silent = new Socket(InetAddress.getLoopbackAddress(), port);
    DataOutputStream out = new DataOutputStream(silent.getOutputStream());
    out.writeInt(TcpWire.MAGIC);
    out.writeByte(TcpWire.VERSION);
    out.flush();
    assertThat(silent.getInputStream().read()).as("status").isEqualTo(TcpWire.ACCEPTED);
    return silent;
  }

  @Override
  protected void acceptAsSilentServer(Socket accepted) throws Exception {
    new DataInputStream(accepted.getInputStream()).readFully(new byte[TcpWire.HELLO_BYTES]);
    accepted.getOutputStream().write(TcpWire.ACCEPTED);
  }
}
