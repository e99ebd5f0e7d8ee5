package org.witrpc.transport.mmf;

import java.nio.file.Path;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.PeerPolicy;
import org.witrpc.spi.RuntimeDirectory;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.TransportProvider;
import org.witrpc.testkit.AbstractLocalTransportTest;

/**
 * The shared-memory transport keeps the promises of a local transport about its rendezvous socket
 * and its peers.
 */
class MmfLocalTransportTest extends AbstractLocalTransportTest {

  @Override
  protected String scheme() {
    return "mmf";
  }

  @Override
  protected TransportProvider provider() {
    return new MmfTransportProvider();
  }

  @Override
  protected ServerTransport newServer(String name, PeerPolicy policy) {
    return MmfTransport.server(name).peerPolicy(policy).build();
  }

  @Override
  protected ClientTransport newClient(String name, PeerPolicy policy) {
    return MmfTransport.client(name).peerPolicy(policy).build();
  }

  @Override
  protected Path socketPath(String name) {
    return RuntimeDirectory.defaultDirectory().resolve(name + ".mmf.sock");
  }
}
