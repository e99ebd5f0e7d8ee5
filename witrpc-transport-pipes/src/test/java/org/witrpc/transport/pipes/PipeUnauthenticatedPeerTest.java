package org.witrpc.transport.pipes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.DisplayName;
import org.witrpc.client.AbstractUnauthenticatedPeerTest;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.ServerTransport;
import org.witrpc.testkit.RawSockets;

/**
 * Raw socket peers that speak the pipe wire format (docs/transport-pipes.md: a status byte, then
 * length-prefixed frames) and then misbehave before the handshake.
 */
@DisplayName("Unauthenticated peers over pipe://")
class PipeUnauthenticatedPeerTest extends AbstractUnauthenticatedPeerTest {
  private final String name = "up" + ProcessHandle.current().pid() + "-" + System.nanoTime() % 1000;
  private PipeServerTransport transport;

  @Override
  protected ServerTransport newServer() {
    transport = PipeTransport.server(name).maxClients(1).build();
    return transport;
  }

  @Override
  protected ClientTransport newClient() {
    return PipeTransport.client(name).build();
  }

  /** Connects and reads the ACCEPTED status byte: the peer now holds a client slot. */
  @Override
  protected RawPeer rawPeer() throws IOException {
    SocketChannel channel = track(SocketChannel.open(StandardProtocolFamily.UNIX));
    channel.connect(UnixDomainSocketAddress.of(transport.socketPath()));
    ByteBuffer status = ByteBuffer.allocate(1);
    assertThat(RawSockets.read(channel, status, AWAIT)).as("status byte").isTrue();
    assertThat(status.get(0)).as("status ACCEPTED").isEqualTo(PipeWire.ACCEPTED);
    return new RawPeer() {
      @Override
      public SocketChannel channel() {
        return channel;
      }

      @Override
      public void announceFrame(int length) throws IOException {
        RawSockets.writeFully(channel, ByteBuffer.allocate(4).putInt(0, length));
      }

      @Override
      public void sendFrame(ByteBuffer frame) throws IOException {
        ByteBuffer prefixed = ByteBuffer.allocate(4 + frame.remaining());
        prefixed.putInt(frame.remaining()).put(frame).flip();
        RawSockets.writeFully(channel, prefixed);
      }
    };
  }
}
